namespace Ciro.LocalInfrastructure;

/// <summary>The PostgreSQL server binaries the Debian packages installed.</summary>
public static class PostgresInstallation
{
    private const string Root = "/usr/lib/postgresql";

    private static string? _binDirectory;

    /// <summary>The newest installed server's bin folder (/usr/lib/postgresql/N/bin). Looked up on first use, not
    /// in a static initialiser, so a machine without PostgreSQL gets the message below rather than a TypeInitializationException.</summary>
    public static string BinDirectory => _binDirectory ??= Find();

    public static string Program(string name) => Path.Combine(BinDirectory, name);

    private static string Find()
    {
        var candidates = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(c => File.Exists(Path.Combine(c.Dir, "postgres")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        return candidates.Count > 0
            ? candidates[0].Dir
            : throw new InvalidOperationException(
                $"No PostgreSQL server binaries under {Root}: run scripts/setup.sh (apt-get install postgresql) or set ConnectionStrings:ciro to an external server.");
    }
}
