namespace Ciro.Testing;

/// <summary>The repository's test data folder, <c>tests/TestData</c>: reference files copied from the read-only
/// <c>shared/</c> folder that sits beside the repository on developer machines, so a clone runs its tests alone.
/// Provenance of every file is in <c>tests/TestData/README.md</c>.</summary>
public static class TestData
{
    private static readonly Lazy<string> Repo = new(LocateRepo);

    /// <summary>The repository root: the first folder above the test binaries holding <c>CiroAspire.sln</c>.</summary>
    public static string RepoRoot => Repo.Value;

    public static string Root => System.IO.Path.Combine(RepoRoot, "tests", "TestData");

    /// <summary>A path under <c>tests/TestData</c>, e.g. <c>Path("starknet", "rpc", "sepolia", "x.json")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    public static byte[] ReadBytes(params string[] parts) => File.ReadAllBytes(PathOf(parts));

    /// <summary>The original <c>shared/</c> folder beside the repository, or null when the clone stands alone.
    /// Only the copy check reads it; no other test may.</summary>
    public static string? SharedOriginal
    {
        get
        {
            var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoRoot, "..", "shared"));
            return Directory.Exists(candidate) ? candidate : null;
        }
    }

    private static string PathOf(string[] parts)
    {
        var path = Path(parts);
        // Name the file and the folder: a missing copy should say what to copy, not just "file not found".
        return File.Exists(path) ? path : throw new FileNotFoundException($"test data file {path} is missing (tests/TestData mirrors shared/, see its README.md)", path);
    }

    private static string LocateRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "CiroAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds CiroAspire.sln");
    }
}
