using System.Diagnostics;
using Ciro.Analytics.Rollups;
using Ciro.LocalInfrastructure;
using Ciro.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Ciro.Bench.Queries;

/// <summary>The generated year the query, report and dashboard benchmarks measure: generated and rolled up into the
/// database <c>ciro_bench</c>, then marked done in <c>bench.year</c>. On a server whose data is kept
/// (<c>--keep-data DIR</c>) a later run finds the mark and measures the same year at once (generation takes 15–40
/// minutes); a database without the mark (an interrupted run) or of another size is made again.</summary>
public sealed record BenchYear(NpgsqlDataSource Db, long Events, long Blocks, DateTimeOffset Head, double Interval)
{
    public const string Database = "ciro_bench";
    public static readonly DateTimeOffset Start = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    public static async Task<BenchYear> OpenAsync(LocalPostgres postgres, long targetEvents, Func<NpgsqlDataSource, RollupReconciler> reconcilerFor)
    {
        await using (var maintenance = new NpgsqlConnection(postgres.ConnectionString() + ";Pooling=false"))
        {
            await maintenance.OpenAsync();
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", maintenance);
            exists.Parameters.AddWithValue(Database);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"create database {Database}", maintenance);
                await create.ExecuteNonQueryAsync();
            }
        }
        var db = NpgsqlDataSource.Create(postgres.ConnectionString(Database));
        await using (var connection = await db.OpenConnectionAsync())
        {
            await using var mark = new NpgsqlCommand(
                "select events, blocks, head, interval_seconds from bench.year where target = $1", connection);
            mark.Parameters.AddWithValue(targetEvents);
            try
            {
                await using var reader = await mark.ExecuteReaderAsync();
                if (await reader.ReadAsync())
                {
                    var kept = new BenchYear(db, reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetDouble(3));
                    Console.WriteLine($"reusing the generated year in {postgres.DataFolder.Directory}: {kept.Events:N0} events in {kept.Blocks:N0} blocks");
                    // Newer migrations (another branch's tables) apply to the kept year as to a production database.
                    await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
                    return kept;
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
            }
        }
        await db.DisposeAsync();
        return await GenerateAsync(postgres, targetEvents, reconcilerFor);
    }

    private static async Task<BenchYear> GenerateAsync(LocalPostgres postgres, long targetEvents, Func<NpgsqlDataSource, RollupReconciler> reconcilerFor)
    {
        await using (var maintenance = new NpgsqlConnection(postgres.ConnectionString() + ";Pooling=false"))
        {
            await maintenance.OpenAsync();
            foreach (var sql in new[] { $"drop database if exists {Database} with (force)", $"create database {Database}" })
            {
                await using var command = new NpgsqlCommand(sql, maintenance);
                await command.ExecuteNonQueryAsync();
            }
        }
        NpgsqlConnection.ClearAllPools();
        var db = NpgsqlDataSource.Create(postgres.ConnectionString(Database));
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var watch = Stopwatch.StartNew();
        var (generated, blocks, head, interval) = await ChainGenerator.GenerateAsync(db, targetEvents, Start, TimeSpan.FromDays(365), Console.WriteLine);
        Console.WriteLine($"generated {generated:N0} raw events in {blocks:N0} blocks over 365 days in {watch.Elapsed.TotalSeconds:F0} s " +
                          $"({generated / watch.Elapsed.TotalSeconds:N0} events/s, server-side INSERT … SELECT on 2 connections)");
        watch.Restart();
        var hours = (await reconcilerFor(db).ReconcileAsync(null, default)).Hours;
        Console.WriteLine($"backfilled {hours:N0} rollup hours (+ days, weeks) in {watch.Elapsed.TotalSeconds:F0} s");
        await using (var connection = await db.OpenConnectionAsync())
        {
            await using (var table = new NpgsqlCommand("""
                create table bench.year (target bigint primary key, events bigint not null, blocks bigint not null,
                                         head timestamptz not null, interval_seconds float8 not null)
                """, connection))
            {
                await table.ExecuteNonQueryAsync();
            }
            await using var mark = new NpgsqlCommand("insert into bench.year values ($1, $2, $3, $4, $5)", connection);
            foreach (var value in new object[] { targetEvents, generated, blocks, head, interval })
            {
                mark.Parameters.AddWithValue(value);
            }
            await mark.ExecuteNonQueryAsync();
        }
        return new BenchYear(db, generated, blocks, head, interval);
    }

    /// <summary>The next block number to write: the rollup-lag step appends blocks after the generated ones, and a
    /// kept year carries those of earlier runs.</summary>
    public async Task<long> NextBlockAsync()
    {
        await using var connection = await Db.OpenConnectionAsync();
        await using var max = new NpgsqlCommand("select coalesce(max(block_number), -1) + 1 from ciro.blocks", connection);
        return (long)(await max.ExecuteScalarAsync())!;
    }
}
