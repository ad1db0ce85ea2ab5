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

    /// <summary>No command timeout: on a loaded machine one day of the backfill can take longer than Npgsql's 30 s.</summary>
    public static string ConnectionString(LocalPostgres postgres) => postgres.ConnectionString(Database) + ";Command Timeout=0";
    public static readonly DateTimeOffset Start = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    /// <param name="recentRollupDays">when the generated blocks are found without the rollup mark: roll up only the last
    /// this many days (what 30-day views and their 28-day anomaly warm-up read) and leave the year unmarked, so a later
    /// run completes the backfill; null rolls up everything.</param>
    public static async Task<BenchYear> OpenAsync(LocalPostgres postgres, long targetEvents, Func<NpgsqlDataSource, RollupReconciler> reconcilerFor,
        int? recentRollupDays = null)
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
        var db = NpgsqlDataSource.Create(ConnectionString(postgres));
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
        if (await GeneratedBlocksAsync(db) == ChainGenerator.BlocksFor(targetEvents))
        {
            // Generation finished but the run ended before the rollups were marked done (a timeout during the
            // backfill): the reconciler continues from the hours it already committed.
            Console.WriteLine($"found the generated blocks in {postgres.DataFolder.Directory} without the rollup mark; rolling up");
            await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
            await using (var connection = await db.OpenConnectionAsync())
            await using (var analyze = new NpgsqlCommand("analyze", connection) { CommandTimeout = 0 })
            {
                await analyze.ExecuteNonQueryAsync();
            }
            long events;
            await using (var connection = await db.OpenConnectionAsync())
            await using (var count = new NpgsqlCommand("select count(*) from ciro.events", connection) { CommandTimeout = 0 })
            {
                events = (long)(await count.ExecuteScalarAsync())!;
            }
            var blocks = ChainGenerator.BlocksFor(targetEvents);
            var interval = TimeSpan.FromDays(365).TotalSeconds / blocks;
            var found = new BenchYear(db, events, blocks, Start.AddSeconds((blocks - 1) * interval), interval);
            if (recentRollupDays is { } days)
            {
                var watch = Stopwatch.StartNew();
                var hours = (await reconcilerFor(db).ReconcileAsync(blocks - (long)(days * 86400 / interval), default)).Hours;
                Console.WriteLine($"rolled up the last {days} days only ({hours:N0} hours in {watch.Elapsed.TotalSeconds:F0} s); the year stays unmarked");
                return found;
            }
            return await RollUpAsync(db, targetEvents, found, reconcilerFor);
        }
        await db.DisposeAsync();
        return await GenerateAsync(postgres, targetEvents, reconcilerFor);
    }

    /// <summary>Blocks 0…n−1 all present: n; otherwise −1 (nothing generated, or generation interrupted).</summary>
    private static async Task<long> GeneratedBlocksAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        try
        {
            await using var count = new NpgsqlCommand(
                "select case when count(*) = max(block_number) + 1 then count(*) else -1 end from ciro.blocks", connection) { CommandTimeout = 0 };
            return await count.ExecuteScalarAsync() is long n ? n : -1;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return -1;
        }
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
        var db = NpgsqlDataSource.Create(ConnectionString(postgres));
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var watch = Stopwatch.StartNew();
        var (generated, blocks, head, interval) = await ChainGenerator.GenerateAsync(db, targetEvents, Start, TimeSpan.FromDays(365), Console.WriteLine);
        Console.WriteLine($"generated {generated:N0} raw events in {blocks:N0} blocks over 365 days in {watch.Elapsed.TotalSeconds:F0} s " +
                          $"({generated / watch.Elapsed.TotalSeconds:N0} events/s, server-side INSERT … SELECT on 2 connections)");
        return await RollUpAsync(db, targetEvents, new BenchYear(db, generated, blocks, head, interval), reconcilerFor);
    }

    private static async Task<BenchYear> RollUpAsync(NpgsqlDataSource db, long targetEvents, BenchYear year, Func<NpgsqlDataSource, RollupReconciler> reconcilerFor)
    {
        var watch = Stopwatch.StartNew();
        var hours = (await reconcilerFor(db).ReconcileAsync(null, default)).Hours;
        Console.WriteLine($"backfilled {hours:N0} rollup hours (+ days, weeks) in {watch.Elapsed.TotalSeconds:F0} s");
        await using (var connection = await db.OpenConnectionAsync())
        {
            await using (var table = new NpgsqlCommand("""
                create table if not exists bench.year (target bigint primary key, events bigint not null, blocks bigint not null,
                                         head timestamptz not null, interval_seconds float8 not null)
                """, connection))
            {
                await table.ExecuteNonQueryAsync();
            }
            await using var mark = new NpgsqlCommand("insert into bench.year values ($1, $2, $3, $4, $5)", connection);
            foreach (var value in new object[] { targetEvents, year.Events, year.Blocks, year.Head, year.Interval })
            {
                mark.Parameters.AddWithValue(value);
            }
            await mark.ExecuteNonQueryAsync();
        }
        return year;
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
