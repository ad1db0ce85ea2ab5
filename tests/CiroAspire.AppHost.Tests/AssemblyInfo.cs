// One stack at a time: the dev stack and the production-shaped stack each start a dozen processes, and the
// machine this runs on (CI included) has two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
// The stacks run the machine's Debian packages (and the shared stack keeps its data under a mode-700 folder): Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
