using Ciro.Storage;
using Npgsql;

namespace Ciro.LocalInfrastructure;

/// <summary>
/// Each Ciro service connects to a local server as its own role (<see cref="DatabaseRoles"/>), never as the
/// superuser: the kit gives the roles their logins and hands each service its connection string. The migrations
/// create the roles and grant them; provisioning creates them too, so a service role can log in before the first
/// migration (the indexer migrates as the owner, then works as <see cref="DatabaseRoles.Indexer"/>).
/// </summary>
public static class ServiceLogins
{
    /// <summary>On a server kept between runs (password authentication): the roles' passwords from their 0600
    /// files beside the data (generated the first time), set on the server. Returns them.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ProvisionAsync(PostgresDataFolder dataFolder,
        string superuserConnectionString, CancellationToken cancellationToken = default)
    {
        var passwords = dataFolder.EnsureRolePasswords(DatabaseRoles.All);
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync(cancellationToken);
        await DatabaseRoles.EnsureAsync(connection, passwords, cancellationToken);
        return passwords;
    }
}
