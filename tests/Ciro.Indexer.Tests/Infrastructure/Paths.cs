namespace Ciro.Indexer.Tests.Infrastructure;

/// <summary>Built outputs of the projects the tests run as processes, in the configuration the tests were built in.</summary>
public static class Paths
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>"Debug" or "Release": the folder above net10.0 of this test assembly.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    public static string IndexerDll => Output("Ciro.Indexer");

    public static string SimulatorDll => Output("Ciro.ChainSimulator");

    private static string Output(string project)
    {
        var path = Path.Combine(RepoRoot, "src", project, "bin", Configuration, "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} not built", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CiroAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CiroAspire.sln not found above " + AppContext.BaseDirectory);
    }
}
