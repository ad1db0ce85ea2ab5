namespace Ciro.Starknet.Tests;

/// <summary>Finds the read-only reference folder: walking up from the test binaries to the folder whose sibling is
/// <c>shared</c> (repo at /work/main, data at /work/shared). Fails loudly rather than skipping tests.</summary>
internal static class SharedData
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string Starknet => Path.Combine(Root.Value, "starknet");

    public static string PathOf(params string[] parts) => Path.Combine([Starknet, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    public static byte[] ReadBytes(params string[] parts) => File.ReadAllBytes(PathOf(parts));

    /// <summary>The repository root (the folder holding CiroAspire.sln).</summary>
    public static string RepoRoot { get; } = LocateRepo();

    private static string LocateRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CiroAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no CiroAspire.sln above {AppContext.BaseDirectory}");
    }

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir?.Parent is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.Parent.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "starknet")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            $"No 'shared/starknet' folder beside any parent of {AppContext.BaseDirectory}; the reference data must sit next to the repository");
    }
}
