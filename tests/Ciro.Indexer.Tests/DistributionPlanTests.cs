using System.Text.RegularExpressions;
using Ciro.Indexer.Tests.Infrastructure;
using Ciro.Testing;
using Npgsql;

namespace Ciro.Indexer.Tests;

/// <summary>
/// The plan for a distributed PostgreSQL (src/Ciro.Storage/Distributed/citus.sql) stays true to the schema the
/// migrations build: every table has a place (distributed or reference), every unique key of a distributed
/// table contains its distribution column (Citus refuses the table otherwise), co-located tables share the
/// column's type, and no foreign key points from a reference table into a distributed one.
/// </summary>
public sealed partial class DistributionPlanTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task The_migrated_schema_can_be_distributed_as_planned()
    {
        await using var dataSource = await postgres.Server.CreateMigratedDatabaseAsync();
        var plan = ReadPlan();
        Assert.Contains(plan, t => t.Table == "ciro.events" && t.Column == "block_number");
        Assert.Empty(await ViolationsAsync(dataSource, plan));
    }

    [Fact]
    public async Task A_key_without_the_distribution_column_or_an_unplanned_table_is_a_violation()
    {
        await using var dataSource = await postgres.Server.CreateMigratedDatabaseAsync();
        await using (var change = dataSource.CreateCommand("""
            create unique index events_by_tx on ciro.events (tx_hash, event_index, block_time);
            create table ciro.contract_labels (contract bytea primary key, label text not null);
            """))
        {
            await change.ExecuteNonQueryAsync();
        }
        var violations = await ViolationsAsync(dataSource, ReadPlan());
        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.Contains("events_by_tx", StringComparison.Ordinal) && v.Contains("block_number", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("ciro.contract_labels", StringComparison.Ordinal));
    }

    private static async Task<List<string>> ViolationsAsync(NpgsqlDataSource dataSource, IReadOnlyList<PlannedTable> plan)
    {
        var violations = new List<string>();
        var planned = plan.ToDictionary(t => t.Table);

        var tables = new List<string>();
        await using (var command = dataSource.CreateCommand("""
            select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname in ('ciro', 'alerts', 'reports') and c.relkind in ('r', 'p') and not c.relispartition
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        violations.AddRange(tables.Except(planned.Keys).Select(t => $"{t} has no place in {PlanPath}"));
        violations.AddRange(planned.Keys.Except(tables).Select(t => $"{PlanPath} names {t}, which the migrations do not create"));

        // Unique indexes (primary keys included) of distributed tables: the key must contain the distribution column.
        await using (var command = dataSource.CreateCommand("""
            select n.nspname || '.' || t.relname, i.relname,
                   array(select a.attname::text from unnest(x.indkey) k join pg_attribute a on a.attrelid = t.oid and a.attnum = k)
            from pg_index x
            join pg_class i on i.oid = x.indexrelid
            join pg_class t on t.oid = x.indrelid
            join pg_namespace n on n.oid = t.relnamespace
            where x.indisunique and n.nspname in ('ciro', 'alerts', 'reports') and not t.relispartition
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var (table, index, columns) = (reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2));
                if (planned.TryGetValue(table, out var p) && p.Column is { } column && !columns.Contains(column))
                {
                    violations.Add($"unique index {index} on {table} ({string.Join(", ", columns)}) lacks the distribution column {column}");
                }
            }
        }

        // Column types of distribution columns, and co-location partners agree.
        foreach (var table in plan.Where(t => t.Column is not null))
        {
            var type = await ColumnTypeAsync(dataSource, table.Table, table.Column!);
            if (type is null)
            {
                violations.Add($"{table.Table} has no column {table.Column}");
            }
            else if (table.ColocateWith is { } partner && planned.TryGetValue(partner, out var other) && other.Column is not null
                     && await ColumnTypeAsync(dataSource, partner, other.Column) != type)
            {
                violations.Add($"{table.Table}.{table.Column} ({type}) cannot be co-located with {partner}.{other.Column}");
            }
        }

        // Foreign keys: reference → distributed is not allowed; distributed → distributed must be co-located.
        await using (var command = dataSource.CreateCommand("""
            select cn.nspname || '.' || c.relname, fn.nspname || '.' || f.relname, k.conname
            from pg_constraint k
            join pg_class c on c.oid = k.conrelid join pg_namespace cn on cn.oid = c.relnamespace
            join pg_class f on f.oid = k.confrelid join pg_namespace fn on fn.oid = f.relnamespace
            where k.contype = 'f' and cn.nspname in ('ciro', 'alerts', 'reports')
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var (from, to, name) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                if (!planned.TryGetValue(from, out var source) || !planned.TryGetValue(to, out var target))
                {
                    continue; // reported above as unplanned
                }
                if (source.Column is null && target.Column is not null)
                {
                    violations.Add($"foreign key {name}: reference table {from} points into distributed {to}");
                }
                if (source.Column is not null && target.Column is not null && source.Group != target.Group)
                {
                    violations.Add($"foreign key {name}: {from} and {to} are not co-located");
                }
            }
        }
        return violations;
    }

    private static async Task<string?> ColumnTypeAsync(NpgsqlDataSource dataSource, string table, string column)
    {
        await using var command = dataSource.CreateCommand(
            "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = $1::regclass and attname = $2 and not attisdropped");
        command.Parameters.AddWithValue(table);
        command.Parameters.AddWithValue(column);
        return await command.ExecuteScalarAsync() as string;
    }

    private const string PlanPath = "src/Ciro.Storage/Distributed/citus.sql";

    private static List<PlannedTable> ReadPlan()
    {
        var sql = File.ReadAllText(Path.Combine(Paths.RepoRoot, PlanPath));
        var tables = new List<PlannedTable>();
        foreach (Match m in PlanCall().Matches(sql))
        {
            var table = m.Groups["table"].Value;
            var column = m.Groups["column"].Success ? m.Groups["column"].Value : null;
            var colocate = m.Groups["colocate"].Success ? m.Groups["colocate"].Value : null;
            tables.Add(new PlannedTable(table, column, colocate, colocate ?? table));
        }
        Assert.True(tables.Count > 0, $"no create_reference_table / create_distributed_table calls in {PlanPath}");
        return tables;
    }

    /// <summary>One table of the plan: <see cref="Column"/> null = a reference table. <see cref="Group"/> is the
    /// co-location group (the table it is co-located with, or itself).</summary>
    private sealed record PlannedTable(string Table, string? Column, string? ColocateWith, string Group);

    [GeneratedRegex(@"create_(?:reference|distributed)_table\('(?<table>[a-z_]+\.[a-z_]+)'(?:,\s*'(?<column>[a-z_]+)')?(?:,\s*colocate_with\s*=>\s*'(?<colocate>[a-z_]+\.[a-z_]+)')?\)")]
    private static partial Regex PlanCall();
}
