using Ciro.Indexer.Tests.Infrastructure;
using Ciro.Storage;
using Ciro.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Ciro.Indexer.Tests;

/// <summary>
/// Least privilege in the database (src/Ciro.Storage/Roles/service_roles.sql): each service's role may do what its
/// service does and is refused the rest by PostgreSQL itself. The pipeline running under these roles is covered by
/// every test that starts a service (the indexer host, the analytics and alerts fixtures connect as the roles).
/// </summary>
public sealed class ServiceRoleTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task The_indexer_cannot_write_analytics_or_alerts_tables()
    {
        var owner = await MigratedAsync();
        await AssertDeniedAsync(owner, DatabaseRoles.Indexer, "delete from ciro.rollup_gas where false", "rollup_gas");
        await AssertDeniedAsync(owner, DatabaseRoles.Indexer, "insert into ciro.recommendations default values", "recommendations");
        await AssertDeniedAsync(owner, DatabaseRoles.Indexer, "insert into ciro.api_keys default values", "api_keys");
        await AssertDeniedAsync(owner, DatabaseRoles.Indexer, "insert into alerts.incidents default values", "alerts");
        await AssertDeniedAsync(owner, DatabaseRoles.Indexer, "delete from reports.reports where false", "reports");
        // What it does is allowed: its own tables, and next month's partitions through the owner's function.
        await AssertAllowedAsync(owner, DatabaseRoles.Indexer,
            "delete from ciro.events where false",
            "update ciro.block_cursor set writer = writer where false",
            "select ciro.ensure_partitions(now() + interval '2 years', now() + interval '2 years')",
            "select count(*) from ciro.api_keys");
    }

    [Fact]
    public async Task Analytics_reads_the_chain_but_cannot_write_it()
    {
        var owner = await MigratedAsync();
        await AssertDeniedAsync(owner, DatabaseRoles.Analytics, "insert into ciro.blocks default values", "blocks");
        await AssertDeniedAsync(owner, DatabaseRoles.Analytics, "delete from ciro.events where false", "events");
        await AssertDeniedAsync(owner, DatabaseRoles.Analytics, "delete from ciro.block_cursor where false", "block_cursor");
        await AssertDeniedAsync(owner, DatabaseRoles.Analytics, "select ciro.ensure_partitions(now(), now())", "ensure_partitions");
        await AssertDeniedAsync(owner, DatabaseRoles.Analytics, "delete from alerts.incidents where false", "incidents");
        await AssertAllowedAsync(owner, DatabaseRoles.Analytics,
            "select count(*) from ciro.events",
            "select count(*) from ciro.transactions",
            "delete from ciro.rollup_gas where false",
            "delete from ciro.recommendations where false",
            "delete from ciro.api_keys where false",
            "delete from reports.qrtz_locks where false",
            "select count(*) from alerts.incidents",
            "select count(*) from public.ciro_schema_migrations");
    }

    [Fact]
    public async Task Alerts_cannot_read_the_chain()
    {
        var owner = await MigratedAsync();
        await AssertDeniedAsync(owner, DatabaseRoles.Alerts, "select count(*) from ciro.blocks", "blocks");
        await AssertDeniedAsync(owner, DatabaseRoles.Alerts, "select count(*) from ciro.events", "events");
        await AssertDeniedAsync(owner, DatabaseRoles.Alerts, "select count(*) from ciro.rollup_gas", "rollup_gas");
        await AssertDeniedAsync(owner, DatabaseRoles.Alerts, "select count(*) from reports.reports", "reports");
        await AssertAllowedAsync(owner, DatabaseRoles.Alerts,
            "delete from alerts.incidents where false",
            "delete from alerts.notifications where false",
            "select count(*) from ciro.api_keys");
    }

    [Fact]
    public async Task Every_table_has_exactly_one_writing_role_and_each_role_its_statement_timeout()
    {
        var owner = await MigratedAsync();
        await using (var dataSource = NpgsqlDataSource.Create(owner))
        {
            await using var command = dataSource.CreateCommand("""
                select n.nspname || '.' || c.relname,
                       array(select r from unnest($1::text[]) r where has_table_privilege(r, c.oid, 'INSERT') order by r)
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname in ('ciro', 'alerts', 'reports') and c.relkind in ('r', 'p') and not c.relispartition
                order by 1
                """);
            command.Parameters.AddWithValue(DatabaseRoles.All.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            var wrong = new List<string>();
            var tables = 0;
            while (await reader.ReadAsync())
            {
                tables++;
                var writers = reader.GetFieldValue<string[]>(1);
                if (writers.Length != 1)
                {
                    wrong.Add($"{reader.GetString(0)}: [{string.Join(", ", writers)}]");
                }
            }
            Assert.True(tables >= 40, $"only {tables} tables found");
            Assert.Empty(wrong);
        }

        Assert.Equal("5min", await ScalarAsync(owner, DatabaseRoles.Indexer, "show statement_timeout"));
        Assert.Equal("30s", await ScalarAsync(owner, DatabaseRoles.Analytics, "show statement_timeout"));
        Assert.Equal("30s", await ScalarAsync(owner, DatabaseRoles.Alerts, "show statement_timeout"));
    }

    [Fact]
    public async Task Migrating_again_and_a_second_database_on_the_server_keep_the_roles_working()
    {
        var first = await MigratedAsync();
        await using (var dataSource = NpgsqlDataSource.Create(first))
        {
            Assert.Empty(await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync());
        }
        var second = await MigratedAsync();
        foreach (var database in new[] { first, second })
        {
            await AssertDeniedAsync(database, DatabaseRoles.Alerts, "select count(*) from ciro.blocks", "blocks");
            await AssertAllowedAsync(database, DatabaseRoles.Indexer, "delete from ciro.blocks where false");
        }
    }

    private async Task<string> MigratedAsync()
    {
        await using var dataSource = await postgres.Server.CreateMigratedDatabaseAsync();
        return dataSource.ConnectionString;
    }

    private static async Task AssertDeniedAsync(string owner, string role, string sql, string named)
    {
        var denied = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(owner, role, sql));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        Assert.Contains(named, denied.MessageText, StringComparison.Ordinal);
    }

    private static async Task AssertAllowedAsync(string owner, string role, params string[] statements)
    {
        foreach (var sql in statements)
        {
            await ScalarAsync(owner, role, sql);
        }
    }

    private static async Task<string?> ScalarAsync(string owner, string role, string sql)
    {
        await using var connection = new NpgsqlConnection(DatabaseRoles.ConnectionStringAs(owner, role) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
