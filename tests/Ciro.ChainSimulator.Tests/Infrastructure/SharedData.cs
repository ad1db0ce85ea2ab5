namespace Ciro.ChainSimulator.Tests.Infrastructure;

/// <summary>Finds the read-only reference data: the first ancestor of the test binaries with a sibling named
/// "shared" (CI clones the repository next to a copy of shared/, as developers have it).</summary>
public static class SharedData
{
    public static string Root { get; } = Locate();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "starknet")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"no ancestor of {AppContext.BaseDirectory} has a sibling 'shared/starknet'");
    }
}
