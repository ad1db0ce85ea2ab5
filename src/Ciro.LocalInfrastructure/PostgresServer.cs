namespace Ciro.LocalInfrastructure;

/// <summary>The command line of a local <c>postgres</c>: TCP on loopback only (no unix-socket directory to own),
/// run as the server's user.</summary>
public static class PostgresServer
{
    /// <param name="dataFolder">an initialised folder (<see cref="PostgresDataFolder"/>).</param>
    /// <param name="port">the port; null when the caller sets it through the PGPORT environment variable.</param>
    /// <param name="settings">server settings (<c>-c name=value</c>).</param>
    public static IReadOnlyList<string> Command(PostgresDataFolder dataFolder, int? port = null, params IEnumerable<string> settings)
    {
        List<string> arguments = ["-D", dataFolder.Directory, "-k", "", "-h", "127.0.0.1"];
        if (port is not null)
        {
            arguments.AddRange(["-p", port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        foreach (var setting in settings)
        {
            arguments.AddRange(["-c", setting]);
        }
        return PostgresUser.Command(PostgresInstallation.Program("postgres"), arguments);
    }
}
