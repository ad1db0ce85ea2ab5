namespace Ciro.Contracts.Tests;

/// <summary>The contracts folder of the repository and the CIRO event table kept in the repository's test data.</summary>
public static class RepoPaths
{
    public static string RepoRoot => TestData.RepoRoot;
    public static string Contracts => Path.Combine(RepoRoot, "contracts");
    public static string CairoSrc => Path.Combine(Contracts, "src");
    public static string AbiDir => Path.Combine(Contracts, "abi");
    public static string CiroEventsMd => TestData.Path("starknet", "ciro_events.md");
}
