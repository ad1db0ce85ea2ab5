using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ciro.Storage;

/// <summary>
/// Applies the embedded SQL migrations in name order, each once, inside one transaction per file.
/// A session advisory lock makes concurrent starters (indexer replicas, the CLI, tests) wait for the
/// first one instead of racing on DDL. Then, every run, the service roles and their grants
/// (<see cref="DatabaseRoles"/>, <c>Roles/service_roles.sql</c>): the connection's role owns the schema and must
/// be allowed to create roles (a superuser, or CREATEROLE).
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    private const long MigrationLockKey = 0x43_49_52_4F_4D_49_47; // "CIROMIG"

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"select pg_advisory_lock({MigrationLockKey})", cancellationToken);
        try
        {
            await TryCreateTimescaleAsync(connection, cancellationToken);
            await ExecuteAsync(connection, """
                create table if not exists public.ciro_schema_migrations (
                  name text primary key,
                  applied_at timestamptz not null default now())
                """, cancellationToken);

            var pending = new List<(string Name, string Sql)>();
            foreach (var migration in LoadMigrations())
            {
                await using var check = new NpgsqlCommand("select 1 from public.ciro_schema_migrations where name = $1", connection);
                check.Parameters.AddWithValue(migration.Name);
                if (await check.ExecuteScalarAsync(cancellationToken) is null)
                {
                    pending.Add(migration);
                }
            }
            if (pending.Count == 0)
            {
                await GrantServiceRolesAsync(connection, null, cancellationToken);
            }

            var applied = new List<string>();
            foreach (var (name, sql) in pending)
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                // No client-side limit: a migration that backfills (109: about 5 minutes on the 50M-event year) must
                // not be cancelled by Npgsql's default 30 s command timeout and retried from scratch at every start.
                await using (var command = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 0 })
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                await using (var record = new NpgsqlCommand("insert into public.ciro_schema_migrations(name) values ($1)", connection, tx))
                {
                    record.Parameters.AddWithValue(name);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
                // The roles' grants commit with the last migration: a service that sees the schema current (no
                // migration pending) may use it at once, so its grants must already be there.
                if (applied.Count == pending.Count - 1)
                {
                    await GrantServiceRolesAsync(connection, tx, cancellationToken);
                }
                await tx.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Migration}", name);
                applied.Add(name);
            }
            return applied;
        }
        finally
        {
            await ExecuteAsync(connection, $"select pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
    }

    /// <summary>The service roles (created when missing) and what each may do: idempotent, applied on every run.</summary>
    private static async Task GrantServiceRolesAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken cancellationToken)
    {
        await DatabaseRoles.EnsureAsync(connection, cancellationToken: cancellationToken);
        await using var grant = new NpgsqlCommand(LoadResource("Ciro.Storage.Roles.service_roles.sql"), connection, tx);
        await grant.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Migrations this build knows that the database has not applied yet: services that read the
    /// schema wait until this is empty, while the indexer alone applies them.</summary>
    public async Task<IReadOnlyList<string>> GetPendingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("select to_regclass('public.ciro_schema_migrations') is not null", connection);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            await using var list = new NpgsqlCommand("select name from public.ciro_schema_migrations", connection);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }
        return LoadMigrations().Select(m => m.Name).Where(name => !applied.Contains(name)).ToList();
    }

    /// <summary>TimescaleDB is used when the server has it; everything works on plain PostgreSQL too.</summary>
    private async Task TryCreateTimescaleAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var probe = new NpgsqlCommand(
            "select exists (select 1 from pg_available_extensions where name = 'timescaledb')", connection);
        var available = (bool)(await probe.ExecuteScalarAsync(cancellationToken))!;
        if (available)
        {
            await ExecuteAsync(connection, "create extension if not exists timescaledb", cancellationToken);
        }
        logger.LogInformation("Storage mode: {StorageMode}", available ? "TimescaleDB hypertables" : "PostgreSQL native partitions");
    }

    private static IEnumerable<(string Name, string Sql)> LoadMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        const string prefix = "Ciro.Storage.Migrations.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            yield return (resource[prefix.Length..], LoadResource(resource));
        }
    }

    private static string LoadResource(string name)
    {
        using var stream = typeof(SchemaMigrator).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing from Ciro.Storage.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
