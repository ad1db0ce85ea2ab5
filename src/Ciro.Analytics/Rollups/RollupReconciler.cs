using System.Diagnostics;
using Ciro.Analytics.Notifications;
using Ciro.Analytics.Queries;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Analytics.Rollups;

/// <summary>What one reconcile pass did: hours recomputed from raw, blocks folded, hours brought up to date
/// (either way) and the range of hours whose rows changed (null when none did).</summary>
public sealed record RollupPass(int RecomputedHours, int FoldedBlocks, int Hours, HourRange? Changed);

/// <summary>Hours [From, To).</summary>
public readonly record struct HourRange(DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Brings the rollups in line with the raw tables. The ledger (ciro.rollup_blocks) records which block
/// (number, hash) each hour row was computed from, and an hour's rows always equal the rows computed from its
/// ledger blocks (both change in one transaction). A pass compares the ledger with ciro.blocks and either
/// <b>folds</b> or <b>recomputes</b>:
/// <list type="bullet">
/// <item>A new block (its number not in the ledger) of an hour the ledger already has is folded: its own rows are
/// computed from raw (just that block) and merged into the stored hour, day and week rows. Merging only adds, so
/// the result is the recompute's, byte for byte.</item>
/// <item>An hour is recomputed whole from raw (its day and week re-merged) when a ledger block of it vanished or
/// changed hash (reorg, reindex), when it is new to the ledger (the first block of an hour, a backfill), or when a
/// new block changes a figure already stored for an older block: the interval of block n + 1 when n arrives after
/// it, or a job stage time when a start event arrives in a block at or before the time of that job's stored end
/// event (the stage joins the latest start at or before the end), or a JobAssigned in a block at or before the time
/// of a stored WorkerReleased of that job (the on-chain worker figures, <see cref="OnchainHours"/>, count the release
/// for the assigned worker). Those are the only figures that depend on another block's rows.</item>
/// </list>
/// The same pass serves a new-block notification, a reorg, a restart after missed notifications, a replayed or
/// reordered notification (a block already in the ledger is never folded twice) and the first backfill.
/// </summary>
public sealed class RollupReconciler(NpgsqlDataSource dataSource, AnalyticsMetrics metrics, ILogger<RollupReconciler> logger)
{
    private const long LockKey = 0x43_49_52_4F_52_55_50; // "CIRORUP": one reconciler at a time across replicas
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Why an hour is recomputed rather than folded (the reason tag of <c>ciro.analytics.rollup_hours</c>).</summary>
    private static class Reasons
    {
        public const string NewHour = "new-hour";
        public const string Replaced = "replaced";
        public const string Interval = "interval";
        public const string JobStage = "job-stage";
        public const string Raced = "raced";
    }

    /// <summary>A stored block not in the ledger, in an hour the ledger already has.</summary>
    private readonly record struct NewBlock(long Number, byte[] Hash, DateTimeOffset Time)
    {
        public DateTimeOffset Hour => Buckets.Floor(Time, Buckets.Hour);
    }

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

    /// <summary>(start event, end event) of every stage time a rollup stores: the job stages and the workers'
    /// assignment-to-completion time.</summary>
    private static readonly string StagePairs = string.Join(", ",
        JobStageRollup.Stages.Select(s => (s.Start, s.End)).Append((CiroEvents.JobAssigned, CiroEvents.JobCompleted)).Distinct()
            .Select(p => $"('{p.Item1}', '{p.Item2}')"));

    /// <summary>
    /// The pass's plan in one query over the blocks numbered from $1: rows (hour, reason) to recompute, and rows
    /// (hour, null, number, hash, time) of new blocks to fold unless their hour is also to be recomputed. The
    /// interval and job-stage checks look only at changed blocks no later than the ledger's newest hour: a block
    /// after every ledger block cannot precede a stored one.
    /// </summary>
    private static readonly string PlanSql = $"""
        with changed as materialized (
          select b.block_number, b.block_hash, b.block_time, date_trunc('hour', b.block_time, 'UTC') as hour,
                 r.block_number is not null as replaced
          from ciro.blocks b left join ciro.rollup_blocks r on r.block_number = b.block_number
          where b.block_number >= $1 and (r.block_number is null or r.block_hash <> b.block_hash)
        ),
        ledger_end as (select max(hour) + interval '1 hour' as t from ciro.rollup_blocks)
        select hour, (case when bool_or(replaced) then '{Reasons.Replaced}' else '{Reasons.NewHour}' end)::text, null::bigint, null::bytea, null::timestamptz
        from changed c
        where c.replaced or not exists (select 1 from ciro.rollup_blocks l where l.hour = c.hour)
        group by hour
        union all
        select distinct r.hour, '{Reasons.Replaced}', null::bigint, null::bytea, null::timestamptz from ciro.rollup_blocks r
        where r.block_number >= $1
          and not exists (select 1 from ciro.blocks b where b.block_number = r.block_number and b.block_hash = r.block_hash)
        union all
        select distinct r.hour, '{Reasons.Interval}', null::bigint, null::bytea, null::timestamptz
        from changed c join ciro.rollup_blocks r on r.block_number = c.block_number + 1
        union all
        select distinct r.hour, '{Reasons.JobStage}', null::bigint, null::bytea, null::timestamptz
        from changed c
        join ciro.events s on s.block_number = c.block_number and s.block_time = c.block_time and s.decoded ? 'job_id'
        join (values {StagePairs}) p(start_name, end_name) on p.start_name = s.name
        join ciro.events e on e.name = p.end_name and e.decoded ? 'job_id' and e.decoded->>'job_id' = s.decoded->>'job_id'
                          and e.block_time >= s.block_time
        join ciro.rollup_blocks r on r.block_number = e.block_number
        where c.block_time < (select t from ledger_end)
        union all
        select distinct r.hour, '{Reasons.JobStage}', null::bigint, null::bytea, null::timestamptz
        from changed c
        join ciro.events s on s.block_number = c.block_number and s.block_time = c.block_time and s.name = '{CiroEvents.JobAssigned}' and s.decoded ? 'job_id'
        join ciro.events e on e.name = 'WorkerReleased' and e.decoded->'job_id'->>'value' = s.decoded->>'job_id' and e.block_time >= s.block_time
        join ciro.rollup_blocks r on r.block_number = e.block_number
        where c.block_time < (select t from ledger_end)
        union all
        select c.hour, null::text, c.block_number, c.block_hash, c.block_time
        from changed c
        where not c.replaced and exists (select 1 from ciro.rollup_blocks l where l.hour = c.hour)
        """;

    /// <summary>Reconciles blocks numbered at or above <paramref name="fromBlock"/> (all blocks when null).</summary>
    public async Task<RollupPass> ReconcileAsync(long? fromBlock, CancellationToken ct)
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
                var (recompute, fold) = await PlanAsync(connection, fromBlock, ct);
                var days = recompute.Keys.Concat(fold.Select(b => b.Hour)).Select(h => Buckets.Floor(h, Buckets.Day)).Distinct().Order();
                foreach (var day in days)
                {
                    await UpdateDayAsync(connection, day,
                        recompute.Where(h => Buckets.Floor(h.Key, Buckets.Day) == day).ToDictionary(),
                        fold.Where(b => Buckets.Floor(b.Hour, Buckets.Day) == day).ToList(), ct);
                }
                var touched = recompute.Keys.Concat(fold.Select(b => b.Hour)).Distinct().ToList();
                if (touched.Count == 0)
                {
                    return new RollupPass(0, 0, 0, null);
                }
                logger.LogDebug("Rollups: {Recomputed} hours recomputed, {Folded} blocks folded in {Elapsed} ms",
                    recompute.Count, fold.Count, watch.ElapsedMilliseconds);
                return new RollupPass(recompute.Count, fold.Count, touched.Count, new HourRange(touched.Min(), touched.Max().AddHours(1)));
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

    /// <summary>The hours to recompute (with the first reason found) and the new blocks to fold, none of them in
    /// an hour to recompute (that hour's recompute includes them).</summary>
    private async Task<(SortedDictionary<DateTimeOffset, string> Recompute, List<NewBlock> Fold)> PlanAsync(
        NpgsqlConnection connection, long? fromBlock, CancellationToken ct)
    {
        var recompute = new SortedDictionary<DateTimeOffset, string>();
        var candidates = new List<NewBlock>();
        await using (var command = new NpgsqlCommand(PlanSql, connection))
        {
            command.Parameters.AddWithValue(fromBlock ?? long.MinValue);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var hour = reader.GetFieldValue<DateTimeOffset>(0);
                if (reader.IsDBNull(1))
                {
                    candidates.Add(new NewBlock(reader.GetInt64(2), reader.GetFieldValue<byte[]>(3), reader.GetFieldValue<DateTimeOffset>(4)));
                }
                else
                {
                    recompute.TryAdd(hour, reader.GetString(1));
                }
            }
        }
        foreach (var (hour, reason) in recompute)
        {
            metrics.RollupHours.Add(1, new KeyValuePair<string, object?>("reason", reason));
            if (reason is not Reasons.NewHour)
            {
                // A reorg or reindex, or a block that changes a stored figure of another block: worth a line.
                logger.LogInformation("Rollup hour {Hour:O} recomputed from raw rows ({Reason})", hour, reason);
            }
        }
        return (recompute, candidates.Where(b => !recompute.ContainsKey(b.Hour)).OrderBy(b => b.Number).ToList());
    }

    /// <summary>One transaction per day: its hours to recompute (contiguous runs in one pass each) and its new
    /// blocks to fold, the ledger moved with them, and the day and week rows brought along (re-merged when an hour
    /// was recomputed, folded otherwise), so readers never see hours, day and week disagree.</summary>
    private async Task UpdateDayAsync(NpgsqlConnection connection, DateTimeOffset day, Dictionary<DateTimeOffset, string> recompute,
        List<NewBlock> fold, CancellationToken ct)
    {
        // One snapshot for the raw reads and the ledger write: under read committed a block committed between
        // the two would be recorded as rolled up without being in the rows (seen in the reorg test).
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        if (fold.Count > 0 && !await StillStoredAsync(connection, tx, fold, ct))
        {
            // A reorg replaced one of them after the plan was read: recompute their hours from this snapshot instead.
            foreach (var hour in fold.Select(b => b.Hour).Distinct())
            {
                recompute.TryAdd(hour, Reasons.Raced);
                metrics.RollupHours.Add(1, new KeyValuePair<string, object?>("reason", Reasons.Raced));
                logger.LogInformation("Rollup hour {Hour:O} recomputed from raw rows ({Reason})", hour, Reasons.Raced);
            }
            fold = [];
        }
        foreach (var (start, end) in Runs(recompute.Keys))
        {
            foreach (var family in RollupFamilies.All)
            {
                await family.RecomputeHoursAsync(connection, tx, start, end, ct);
            }
            await FunctionCallers.FoldHoursAsync(connection, tx, start, end, ct);
            await JobsMinutes.FoldHoursAsync(connection, tx, start, end, ct);
            await UsageCallers.FoldHoursAsync(connection, tx, start, end, ct);
            await OnchainHours.FoldHoursAsync(connection, tx, start, end, ct);
            foreach (var sql in LedgerSql)
            {
                await using var ledger = new NpgsqlCommand(sql, connection, tx);
                ledger.Parameters.AddWithValue(start);
                ledger.Parameters.AddWithValue(end);
                await ledger.ExecuteNonQueryAsync(ct);
            }
        }
        if (fold.Count > 0)
        {
            await FoldAsync(connection, tx, fold, recompute.Count == 0 ? [Buckets.Hour, Buckets.Day, Buckets.Week] : [Buckets.Hour], ct);
        }
        if (recompute.Count > 0)
        {
            await MergeAsync(connection, tx, Buckets.Hour, Buckets.Day, day, ct);
            await MergeAsync(connection, tx, Buckets.Day, Buckets.Week, Buckets.Floor(day, Buckets.Week), ct);
            // After the fold above, which added this day's new blocks to its hour rows only.
            await UsageCallers.RemergeDayAsync(connection, tx, day, ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Adds the blocks' rows to the stored rows of each bucket size given, their first calls to
    /// ciro.function_callers, their use per caller to ciro.usage_callers (hours and days only; the days also to ciro.usage_returns, callers by previous day), and the blocks to the ledger (a plain insert: a block folded twice would fail the
    /// transaction rather than count twice).</summary>
    private async Task FoldAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<NewBlock> blocks, IReadOnlyList<string> buckets, CancellationToken ct)
    {
        var numbers = blocks.Select(b => b.Number).ToArray();
        // Stored times have microsecond resolution: [first, last + 1 µs) holds every row of these blocks.
        var scope = new RawScope(blocks.Min(b => b.Time), blocks.Max(b => b.Time).AddTicks(TimeSpan.TicksPerMicrosecond), numbers);
        foreach (var family in RollupFamilies.All)
        {
            await family.FoldAsync(connection, tx, scope, buckets, ct);
        }
        await FunctionCallers.FoldBlocksAsync(connection, tx, scope, ct);
        await JobsMinutes.FoldBlocksAsync(connection, tx, scope, ct);
        await UsageCallers.FoldBlocksAsync(connection, tx, scope, buckets, ct);
        await OnchainHours.FoldBlocksAsync(connection, tx, scope, ct);
        await using var ledger = new NpgsqlCommand("""
            insert into ciro.rollup_blocks (block_number, block_hash, hour)
            select block_number, block_hash, date_trunc('hour', block_time, 'UTC') from ciro.blocks
            where block_number = any($1) and block_time >= $2 and block_time < $3
            """, connection, tx);
        ledger.Parameters.AddWithValue(numbers);
        ledger.Parameters.AddWithValue(scope.Start);
        ledger.Parameters.AddWithValue(scope.End);
        await ledger.ExecuteNonQueryAsync(ct);
        metrics.RollupFoldedBlocks.Add(blocks.Count);
    }

    /// <summary>Whether every block is stored, in this snapshot, under the hash the plan read.</summary>
    private static async Task<bool> StillStoredAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<NewBlock> blocks, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            select count(*) from unnest($1::bigint[], $2::bytea[]) as x(n, h)
            where exists (select 1 from ciro.blocks b where b.block_number = x.n and b.block_hash = x.h)
            """, connection, tx);
        command.Parameters.AddWithValue(blocks.Select(b => b.Number).ToArray());
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = blocks.Select(b => b.Hash).ToArray() });
        return (long)(await command.ExecuteScalarAsync(ct))! == blocks.Count;
    }

    /// <summary>Rebuilds the <paramref name="into"/> bucket starting at <paramref name="start"/> from its finer rows.</summary>
    private static async Task MergeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string from, string into, DateTimeOffset start, CancellationToken ct)
    {
        foreach (var family in RollupFamilies.All)
        {
            await family.RemergeAsync(connection, tx, from, into, start, ct);
        }
    }

    private static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Runs(IEnumerable<DateTimeOffset> hours)
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
