using Npgsql;

namespace Ciro.Storage;

/// <summary>
/// The PostgreSQL role each service connects as (least privilege). The migrator creates them and grants each one
/// what its service does (<c>Roles/service_roles.sql</c>, applied after every migration run); the owner of the
/// schema — whoever runs the migrations — stays a separate role that no service uses at run time. A role is made
/// with LOGIN and no password: whoever provisions the deployment gives it one (<see cref="EnsureAsync"/> with
/// passwords: the local-infrastructure kit from 0600 files; a managed server by its administrator).
/// </summary>
public static class DatabaseRoles
{
    /// <summary>Writes the chain tables (blocks, transactions, calls, events, traces, classes, cursor, reorgs,
    /// chain identity, indexer status, undecodable blocks); reads API keys.</summary>
    public const string Indexer = "ciro_indexer";

    /// <summary>Reads the chain tables and alert incidents (for reports); writes rollups, function callers,
    /// recommendations, API keys and the reports schema (reports and the report scheduler's tables).</summary>
    public const string Analytics = "ciro_analytics";

    /// <summary>Writes the alerts schema; reads API keys. Everything about the chain comes through the analytics API.</summary>
    public const string Alerts = "ciro_alerts";

    public static IReadOnlyList<string> All { get; } = [Indexer, Analytics, Alerts];

    /// <summary>The connection-string name of the schema owner (<c>ConnectionStrings:ciro-owner</c>): the indexer
    /// applies the migrations with it and does everything else as its role (<c>ConnectionStrings:ciro</c>).
    /// Without it, <c>ConnectionStrings:ciro</c> does both.</summary>
    public const string OwnerConnectionName = "ciro-owner";

    /// <summary>The connection string that logs in as <paramref name="role"/> (with <paramref name="password"/>, or
    /// none: a server that trusts loopback) to the server and database of <paramref name="connectionString"/>.</summary>
    public static string ConnectionStringAs(string connectionString, string role, string? password = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = password };
        return builder.ConnectionString;
    }

    /// <summary>
    /// Creates each service role that is missing (roles belong to the server, not to one database) with LOGIN,
    /// and sets the password of those in <paramref name="passwords"/>. Idempotent; two databases of one server
    /// migrating at once (the tests) may race on a CREATE ROLE, which the loser takes as done.
    /// </summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, IReadOnlyDictionary<string, string>? passwords = null,
        CancellationToken cancellationToken = default)
    {
        foreach (var role in All)
        {
            await using (var create = new NpgsqlCommand($"""
                do $$ begin
                  if not exists (select from pg_roles where rolname = '{role}') then
                    create role {role} login;
                  end if;
                exception when duplicate_object or unique_violation then null;
                end $$
                """, connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            if (passwords is not null && passwords.TryGetValue(role, out var password))
            {
                // ALTER ROLE takes no parameters: the password is a generated hex string, quoted as a literal.
                if (!password.All(char.IsAsciiLetterOrDigit))
                {
                    throw new ArgumentException($"The password of {role} must be letters and digits.", nameof(passwords));
                }
                await using var set = new NpgsqlCommand($"alter role {role} login password '{password}'", connection);
                await set.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
