using System.Diagnostics;
using Ciro.Analytics.Notifications;
using Npgsql;

namespace Ciro.Analytics.Rollups;

/// <summary>
/// Brings the rollups in line with the raw tables. The ledger (ciro.rollup_blocks) records which block
/// (number, hash) each hour row was computed from; an hour is dirty when a block in it is not in the ledger
/// (new block) or a ledger block is no longer stored under that hash (reorg, reindex). Dirty hours are
/// recomputed from raw (and folded into ciro.function_callers), then their days merged from hours and their weeks
/// from days. The same pass serves
/// a new-block notification, a reorg, a restart after missed notifications and the first backfill, which
/// is why there is one code path and no incremental "add this block" arithmetic to get wrong.
/// </summary>
public sealed class RollupReconciler(NpgsqlDataSource dataSource, AnalyticsMetrics metrics, ILogger<RollupReconciler> logger)
{
    private const long LockKey = 0x43_49_52_4F_52_55_50; // "CIRORUP": one reconciler at a time across replicas
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Moves the ledger with the recomputed hours: rows of those hours, and rows of blocks now stored in
    /// them (a block that moved hour in a reorg), are replaced by the blocks stored now.</summary>
    private static readonly string[] LedgerSql =
    [
        """
        delete from ciro.rollup_blocks
        where (hour >= $1 and hour < $2)
           or block_number in (select block_number from ciro.blocks where block_time >= $1 and block_time < $2)
        """,
        """
        insert into ciro.rollup_blocks (block_number, block_hash, hour)
        select block_number, block_hash, date_trunc('hour', block_time, 'UTC') from ciro.blocks
        where block_time >= $1 and block_time < $2
        on conflict (block_number) do update set block_hash = excluded.block_hash, hour = excluded.hour
        """,
    ];

    /// <summary>Reconciles blocks numbered at or above <paramref name="fromBlock"/> (all blocks when null).
    /// Returns the number of hours recomputed.</summary>
    public async Task<int> ReconcileAsync(long? fromBlock, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        var watch = Stopwatch.StartNew();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using (var lockCommand = new NpgsqlCommand($"select pg_advisory_lock({LockKey})", connection))
            {
                await lockCommand.ExecuteNonQueryAsync(ct);
            }
            try
            {
                var hours = await DirtyHoursAsync(connection, fromBlock, ct);
                var days = new SortedSet<DateTimeOffset>();
                foreach (var dayHours in hours.GroupBy(h => Buckets.Floor(h, Buckets.Day)))
                {
                    await RecomputeDayAsync(connection, dayHours.Key, dayHours.ToList(), ct);
                    days.Add(dayHours.Key);
                }
                foreach (var week in days.Select(d => Buckets.Floor(d, Buckets.Week)).Distinct())
                {
                    await MergeAsync(connection, Buckets.Day, Buckets.Week, week, ct);
                }
                if (hours.Count > 0)
                {
                    metrics.RollupHours.Add(hours.Count);
                    logger.LogDebug("Recomputed {Hours} rollup hours in {Elapsed} ms", hours.Count, watch.ElapsedMilliseconds);
                }
                return hours.Count;
            }
            finally
            {
                await using var unlock = new NpgsqlCommand($"select pg_advisory_unlock({LockKey})", connection);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        finally
        {
            metrics.RollupDuration.Record(watch.Elapsed.TotalMilliseconds);
            _gate.Release();
        }
    }

    private static async Task<List<DateTimeOffset>> DirtyHoursAsync(NpgsqlConnection connection, long? fromBlock, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            select date_trunc('hour', b.block_time, 'UTC') from ciro.blocks b
            where b.block_number >= $1
              and not exists (select 1 from ciro.rollup_blocks r where r.block_number = b.block_number and r.block_hash = b.block_hash)
            union
            select r.hour from ciro.rollup_blocks r
            where r.block_number >= $1
              and not exists (select 1 from ciro.blocks b where b.block_number = r.block_number and b.block_hash = r.block_hash)
            order by 1
            """, connection);
        command.Parameters.AddWithValue(fromBlock ?? long.MinValue);
        var hours = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            hours.Add(reader.GetFieldValue<DateTimeOffset>(0));
        }
        return hours;
    }

    /// <summary>One transaction per day: its dirty hours recomputed (contiguous runs in one pass each), the
    /// ledger moved with them, and the day row re-merged, so readers never see hours and day disagree.</summary>
    private static async Task RecomputeDayAsync(NpgsqlConnection connection, DateTimeOffset day, List<DateTimeOffset> hours, CancellationToken ct)
    {
        // One snapshot for the raw reads and the ledger write: under read committed a block committed between
        // the two would be recorded as rolled up without being in the rows (seen in the reorg test).
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        foreach (var (start, end) in Runs(hours))
        {
            foreach (var family in RollupFamilies.All)
            {
                await family.RecomputeHoursAsync(connection, tx, start, end, ct);
            }
            await FunctionCallers.FoldHoursAsync(connection, tx, start, end, ct);
            foreach (var sql in LedgerSql)
            {
                await using var ledger = new NpgsqlCommand(sql, connection, tx);
                ledger.Parameters.AddWithValue(start);
                ledger.Parameters.AddWithValue(end);
                await ledger.ExecuteNonQueryAsync(ct);
            }
        }
        await MergeAsync(connection, tx, Buckets.Hour, Buckets.Day, day, ct);
        await tx.CommitAsync(ct);
    }

    private static async Task MergeAsync(NpgsqlConnection connection, string from, string into, DateTimeOffset start, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await MergeAsync(connection, tx, from, into, start, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Rebuilds the <paramref name="into"/> bucket starting at <paramref name="start"/> from its finer rows.</summary>
    private static async Task MergeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string from, string into, DateTimeOffset start, CancellationToken ct)
    {
        foreach (var family in RollupFamilies.All)
        {
            await family.RemergeAsync(connection, tx, from, into, start, ct);
        }
    }

    private static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Runs(List<DateTimeOffset> hours)
    {
        var sorted = hours.Order().ToList();
        var i = 0;
        while (i < sorted.Count)
        {
            var start = sorted[i];
            var end = start.AddHours(1);
            while (++i < sorted.Count && sorted[i] == end)
            {
                end = end.AddHours(1);
            }
            yield return (start, end);
        }
    }
}
