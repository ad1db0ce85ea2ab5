namespace Ciro.Contracts.Tests;

/// <summary>Finds the repository (the folder holding contracts/) and the shared data beside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepoRoot => Root.Value;
    public static string Contracts => Path.Combine(RepoRoot, "contracts");
    public static string CairoSrc => Path.Combine(Contracts, "src");
    public static string AbiDir => Path.Combine(Contracts, "abi");
    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
    public static string CiroEventsMd => Path.Combine(Shared, "starknet", "ciro_events.md");

    // Walk up from the test binaries: the repo is the first folder with contracts/ whose parent
    // also holds shared/ (the layout on developer machines and in CI).
    private static string FindRoot()
    {
        var start = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var hasContracts = Directory.Exists(Path.Combine(dir.FullName, "contracts"));
            var hasShared = dir.Parent is not null && Directory.Exists(Path.Combine(dir.Parent.FullName, "shared"));
            if (hasContracts && hasShared)
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Could not find the repository root walking up from '{start}': expected a folder containing " +
            "'contracts/' whose parent folder contains 'shared/' (the read-only reference data).");
    }
}
