// One stack at a time: the dev stack and the production-shaped stack each start a dozen processes, and the
// machine this runs on (CI included) has two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
