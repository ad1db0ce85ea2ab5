using System.Numerics;
using Npgsql;

namespace Ciro.Analytics.Rollups;

/// <summary>What a row of <c>ciro.rollup_onchain_hour</c> counts (its <c>kind</c>).</summary>
public static class OnchainKind
{
    /// <summary>Monitor samples (CallSampled, JobSampled joined to their call) per (contract, function, worker).</summary>
    public const string Sample = "sample";
    /// <summary>The last rate a contract's monitor events carried in the hour (for hours without samples).</summary>
    public const string Rate = "rate";
    /// <summary>Successful calls of a hooked function per (contract, function), counted off-chain.</summary>
    public const string Call = "call";
    /// <summary>JobAssigned, JobCompleted and WorkerReleased-of-its-job per worker, counted off-chain.</summary>
    public const string Worker = "worker";
    /// <summary>JobAssigned → JobCompleted pairs and their seconds, by the JobCompleted's hour.</summary>
    public const string Timing = "timing";
}

/// <summary>
/// One row of <c>ciro.rollup_onchain_hour</c> (or of the same definition computed raw): the sufficient statistics of
/// the on-chain KPIs for one hour and key. Every field adds over blocks (counts and exact numeric sums) or takes the
/// extreme (<see cref="FirstSample"/>: the smallest (block, tx, event) position; <see cref="LastRate"/>: the largest
/// (block, tx, event, rate)), so rows of disjoint blocks merge into the rows of their union exactly.
/// </summary>
/// <param name="Hour">The UTC hour (or, for rows merged over a range, the range's first hour).</param>
/// <param name="Worker">The sample's or event's decoded worker as stored ("" when none).</param>
/// <param name="Samples">Sampled events; <see cref="RateSum"/> the Σ of the rates they carried.</param>
/// <param name="DurationCount">Samples of submit_job_result with a positive duration; their Σ and Σ of squares.</param>
/// <param name="Pairs">JobAssigned → JobCompleted pairs (the assignment at or before the completion); <see cref="PairSeconds"/>
/// the Σ of their seconds (numeric, microsecond scale, as PostgreSQL sums them).</param>
public sealed record OnchainHourRow(DateTimeOffset Hour, string Kind, byte[] Contract, string Function, string Worker,
    long Samples, decimal RateSum, long[]? FirstSample, long[]? LastRate,
    long DurationCount, decimal DurationSum, decimal DurationSquares,
    long Actual, long Assigned, long Completed, long Failed, long Pairs, decimal PairSeconds)
{
    public (DateTimeOffset, string, string, string, string) Key => (Hour, Kind, Convert.ToHexString(Contract), Function, Worker);

    /// <summary>The row of both rows' blocks (same key): what the fold's upsert does in SQL.</summary>
    public OnchainHourRow Merge(OnchainHourRow other) => this with
    {
        Samples = Samples + other.Samples, RateSum = RateSum + other.RateSum,
        FirstSample = Least(FirstSample, other.FirstSample), LastRate = Greatest(LastRate, other.LastRate),
        DurationCount = DurationCount + other.DurationCount, DurationSum = DurationSum + other.DurationSum,
        DurationSquares = DurationSquares + other.DurationSquares, Actual = Actual + other.Actual,
        Assigned = Assigned + other.Assigned, Completed = Completed + other.Completed, Failed = Failed + other.Failed,
        Pairs = Pairs + other.Pairs, PairSeconds = PairSeconds + other.PairSeconds,
    };

    /// <summary>PostgreSQL's array order (element by element, then length), for positions of equal length.</summary>
    public static int Compare(long[] a, long[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return a[i].CompareTo(b[i]);
            }
        }
        return a.Length.CompareTo(b.Length);
    }

    private static long[]? Least(long[]? a, long[]? b) => a is null ? b : b is null ? a : Compare(a, b) <= 0 ? a : b;
    private static long[]? Greatest(long[]? a, long[]? b) => a is null ? b : b is null ? a : Compare(a, b) >= 0 ? a : b;

    public static BigInteger Integer(decimal value) => new(decimal.Truncate(value));
}

/// <summary>A stored block the rollup ledger does not hold.</summary>
public readonly record struct UnrolledBlock(long Number, DateTimeOffset Time);

/// <summary>
/// Keeps <c>ciro.rollup_onchain_hour</c> — the on-chain KPIs' statistics per hour (<see cref="OnchainKind"/>) — in
/// step with the rolled-up hours, like <see cref="JobsMinutes"/>: the reconciler rewrites every hour it recomputes
/// and adds every block it folds, in the ledger's transaction, so the table holds exactly the rows of the ledger's
/// blocks. <see cref="PerHour"/> is the one definition; the on-chain API computes it raw for the range's partial
/// edge hours and for blocks the ledger does not hold, and merges (<see cref="OnchainHourRow.Merge"/>).
/// Two figures read another block's rows: a JobCompleted's pair and a WorkerReleased's worker join the job's
/// JobAssigned at or before them. A JobAssigned arriving at or before a stored JobCompleted or WorkerReleased makes
/// the reconciler recompute that hour (its job-stage check), so folding stays equal to recomputing.
/// </summary>
public static class OnchainHours
{
    public const string Columns = """
        hour, kind, contract, function_name, worker, samples, rate_sum, first_sample, last_rate,
        duration_count, duration_sum, duration_squares, actual, assigned, completed, failed, pairs, pair_seconds
        """;

    private const string CallSampled = "PerformanceEvent::CallSampled";
    private const string JobSampled = "PerformanceEvent::JobSampled";

    /// <summary>Rows (<see cref="Columns"/>) of the rows of a <see cref="RawScope"/> ($1, $2, $3). Samples are joined to
    /// the call that emitted them as the on-chain KPIs always did (same transaction and contract: CallSampled by
    /// selector; JobSampled to the one hooked job function, stage 1 submit_job_result, stage 2 fail_job).</summary>
    public static readonly string PerHour = $"""
        select date_trunc('hour', s.block_time, 'UTC') as hour, '{OnchainKind.Sample}' as kind, s.contract, s.function_name, coalesce(s.worker, '') as worker,
               count(*) as samples, sum(s.rate)::numeric as rate_sum, min(array[s.block_number, s.tx_index, s.event_index]) as first_sample, null::bigint[] as last_rate,
               count(*) filter (where s.function_name = 'submit_job_result' and s.duration > 0) as duration_count,
               coalesce(sum(s.duration) filter (where s.function_name = 'submit_job_result' and s.duration > 0), 0)::numeric as duration_sum,
               coalesce(sum(s.duration::numeric * s.duration) filter (where s.function_name = 'submit_job_result' and s.duration > 0), 0)::numeric as duration_squares,
               0::bigint as actual, 0::bigint as assigned, 0::bigint as completed, 0::bigint as failed, 0::bigint as pairs, 0::numeric as pair_seconds
        from (
          select e.block_number, e.tx_index::bigint as tx_index, e.event_index::bigint as event_index, e.block_time, e.contract, c.function_name,
                 (e.decoded->>'sample_rate')::bigint as rate, coalesce((e.decoded->>'duration')::bigint, 0) as duration, e.decoded->>'worker' as worker
          from ciro.events e
          join lateral (
            select c.function_name from ciro.tx_calls c
            where c.block_number = e.block_number and c.block_time = e.block_time and c.tx_index = e.tx_index and c.contract = e.contract
              and ((e.name = '{CallSampled}' and c.selector = ciro.felt_bytes(e.decoded->>'selector'))
                or (e.name = '{JobSampled}'
                    and c.function_name = case (e.decoded->>'stage')::int when 1 then 'submit_job_result' when 2 then 'fail_job' else c.function_name end
                    and c.function_name in ('allocate_job', 'assign_job_to_worker', 'submit_job_result', 'fail_job')))
            order by c.call_index limit 1) c on true
          where e.name in ('{CallSampled}', '{JobSampled}') and e.block_time >= $1 and e.block_time < $2 and {RawScope.InBlocks("e")}
        ) s
        group by 1, s.contract, s.function_name, coalesce(s.worker, '')
        union all
        select date_trunc('hour', e.block_time, 'UTC'), '{OnchainKind.Rate}', e.contract, '', '', 0, 0, null,
               max(array[e.block_number, e.tx_index, e.event_index, coalesce((e.decoded->>'sample_rate')::bigint, (e.decoded->>'new_rate')::bigint)]),
               0, 0, 0, 0, 0, 0, 0, 0, 0
        from ciro.events e
        where e.name in ('{CallSampled}', '{JobSampled}', 'PerformanceEvent::SampleRateChanged')
          and e.block_time >= $1 and e.block_time < $2 and {RawScope.InBlocks("e")}
        group by 1, e.contract
        union all
        select date_trunc('hour', c.block_time, 'UTC'), '{OnchainKind.Call}', c.contract, c.function_name, '', 0, 0, null, null, 0, 0, 0, count(*), 0, 0, 0, 0, 0
        from ciro.tx_calls c
        join ciro.transactions t on t.block_number = c.block_number and t.block_time = c.block_time and t.tx_index = c.tx_index
        where t.execution_status = 'SUCCEEDED' and c.function_name in ({string.Join(", ", Onchain.OnchainKpis.HookedFunctions.Select(f => $"'{f}'"))})
          and c.block_time >= $1 and c.block_time < $2 and t.block_time >= $1 and t.block_time < $2 and {RawScope.InBlocks("c")}
        group by 1, c.contract, c.function_name
        union all
        select hour, '{OnchainKind.Worker}', '\x'::bytea, '', worker, 0, 0, null, null, 0, 0, 0, 0, sum(assigned)::bigint, sum(completed)::bigint, sum(failed)::bigint, 0, 0
        from (
          select date_trunc('hour', e.block_time, 'UTC') as hour, e.decoded->>'worker' as worker,
                 (e.name = 'JobAssigned')::int as assigned, (e.name = 'JobCompleted')::int as completed, 0 as failed
          from ciro.events e
          where e.name in ('JobAssigned', 'JobCompleted') and e.decoded->>'worker' is not null
            and e.block_time >= $1 and e.block_time < $2 and {RawScope.InBlocks("e")}
          union all
          select date_trunc('hour', r.block_time, 'UTC'), a.decoded->>'worker', 0, 0, 1
          from ciro.events r
          join ciro.events a on a.name = 'JobAssigned' and a.decoded ? 'job_id' and a.decoded->>'job_id' = r.decoded->'job_id'->>'value'
                            and a.block_time <= r.block_time
          where r.name = 'WorkerReleased' and a.decoded->>'worker' is not null
            and r.block_time >= $1 and r.block_time < $2 and {RawScope.InBlocks("r")}
        ) w
        group by hour, worker
        union all
        select date_trunc('hour', c.block_time, 'UTC'), '{OnchainKind.Timing}', '\x'::bytea, '', '', 0, 0, null, null, 0, 0, 0, 0, 0, 0, 0,
               count(*), sum(extract(epoch from c.block_time - a.block_time))
        from ciro.events c
        join ciro.events a on a.name = 'JobAssigned' and a.decoded ? 'job_id' and a.decoded->>'job_id' = c.decoded->>'job_id'
                          and a.block_time <= c.block_time
        where c.name = 'JobCompleted' and c.decoded ? 'job_id' and c.block_time >= $1 and c.block_time < $2 and {RawScope.InBlocks("c")}
        group by 1
        """;

    /// <summary>Rewrites the rows of hours [<paramref name="start"/>, <paramref name="end"/>) from raw.</summary>
    public static async Task FoldHoursAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        await using (var delete = new NpgsqlCommand("delete from ciro.rollup_onchain_hour where hour >= $1 and hour < $2", connection, tx))
        {
            delete.Parameters.AddWithValue(start);
            delete.Parameters.AddWithValue(end);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await using var insert = JobsMinutes.Command($"insert into ciro.rollup_onchain_hour ({Columns})\n{PerHour}", connection, tx, new RawScope(start, end));
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Adds the rows of the blocks of <paramref name="scope"/> to their hours (<see cref="OnchainHourRow.Merge"/> in SQL).</summary>
    public static async Task FoldBlocksAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RawScope scope, CancellationToken ct)
    {
        await using var upsert = JobsMinutes.Command($"""
            insert into ciro.rollup_onchain_hour as o ({Columns})
            {PerHour}
            on conflict (hour, kind, contract, function_name, worker) do update set
              samples = o.samples + excluded.samples, rate_sum = o.rate_sum + excluded.rate_sum,
              first_sample = least(o.first_sample, excluded.first_sample), last_rate = greatest(o.last_rate, excluded.last_rate),
              duration_count = o.duration_count + excluded.duration_count, duration_sum = o.duration_sum + excluded.duration_sum,
              duration_squares = o.duration_squares + excluded.duration_squares, actual = o.actual + excluded.actual,
              assigned = o.assigned + excluded.assigned, completed = o.completed + excluded.completed, failed = o.failed + excluded.failed,
              pairs = o.pairs + excluded.pairs, pair_seconds = o.pair_seconds + excluded.pair_seconds
            """, connection, tx, scope);
        await upsert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The rows of [<paramref name="from"/>, <paramref name="to"/>) of the given kinds, in the caller's snapshot: the
    /// stored rows of its whole hours, plus <see cref="PerHour"/> computed raw for its partial first and last hours and
    /// for the blocks of its whole hours newer than the ledger (<paramref name="unrolled"/>, from <see cref="UnrolledAsync"/>
    /// over at least the range). A late block below the ledger's newest, and a block a reorg replaced, count as the
    /// ledger has them until the next pass; so does a completion or release rolled up before its job's assignment. With <paramref name="wholeRange"/> the rows are
    /// merged over the range (Hour = <paramref name="from"/>), otherwise per hour; with <paramref name="anyWorker"/>
    /// sample rows are merged over workers (Worker = "").
    /// </summary>
    public static async Task<List<OnchainHourRow>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset from, DateTimeOffset to,
        string[] kinds, bool wholeRange, bool anyWorker, IReadOnlyList<UnrolledBlock> unrolled, CancellationToken ct)
    {
        var rows = new Dictionary<(DateTimeOffset, string, string, string, string), OnchainHourRow>();
        void Add(OnchainHourRow row)
        {
            row = row with { Hour = wholeRange ? from : row.Hour, Worker = anyWorker && row.Kind == OnchainKind.Sample ? "" : row.Worker };
            rows[row.Key] = rows.TryGetValue(row.Key, out var had) ? had.Merge(row) : row;
        }

        var first = Buckets.Floor(from, Buckets.Hour) == from ? from : Buckets.Floor(from, Buckets.Hour).AddHours(1);
        var last = Buckets.Floor(to, Buckets.Hour);
        if (first >= last)
        {
            await ReadRawAsync(connection, tx, new RawScope(from, to), kinds, Add, ct);
            return [.. rows.Values];
        }
        await using (var stored = new NpgsqlCommand($"""
            select case when $4 then $1 else hour end, kind, contract, function_name, case when $5 and kind = '{OnchainKind.Sample}' then '' else worker end,
                   sum(samples)::bigint, sum(rate_sum), min(first_sample), max(last_rate), sum(duration_count)::bigint, sum(duration_sum), sum(duration_squares),
                   sum(actual)::bigint, sum(assigned)::bigint, sum(completed)::bigint, sum(failed)::bigint, sum(pairs)::bigint, sum(pair_seconds)
            from ciro.rollup_onchain_hour
            where hour >= $1 and hour < $2 and kind = any($3)
            group by 1, kind, contract, function_name, 5
            """, connection, tx))
        {
            stored.Parameters.AddWithValue(first);
            stored.Parameters.AddWithValue(last);
            stored.Parameters.AddWithValue(kinds);
            stored.Parameters.AddWithValue(wholeRange);
            stored.Parameters.AddWithValue(anyWorker);
            await using var reader = await stored.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Add(Read(reader));
            }
        }
        // The blocks of the whole hours newer than the ledger (the caller found them once for its widest range).
        var pending = unrolled.Where(b => b.Time >= first && b.Time < last).Select(b => b.Number).ToArray();
        if (pending.Length > 0)
        {
            await ReadRawAsync(connection, tx, new RawScope(first, last, pending), kinds, Add, ct);
        }
        if (from < first)
        {
            await ReadRawAsync(connection, tx, new RawScope(from, first), kinds, Add, ct);
        }
        if (last < to)
        {
            await ReadRawAsync(connection, tx, new RawScope(last, to), kinds, Add, ct);
        }
        return [.. rows.Values];
    }

    /// <summary>
    /// The blocks of [<paramref name="start"/>, <paramref name="end"/>) newer than the ledger's newest block: not rolled
    /// up yet, read raw by <see cref="ReadAsync"/>. A late block below the ledger's newest (arriving after a later one)
    /// counts once the reconciler has taken it, as in the gas and usage KPIs: finding such holes exactly is an
    /// anti-join of the range's blocks with the ledger, 0.5–1.1 s for 31 days of the 50M-event year, where this is
    /// 0.2 ms (both SQL timings).
    /// </summary>
    public static async Task<List<UnrolledBlock>> UnrolledAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            select b.block_number, b.block_time from ciro.blocks b
            where b.block_time >= $1 and b.block_time < $2
              and b.block_number > coalesce((select max(block_number) from ciro.rollup_blocks), -1)
            """, connection, tx);
        command.Parameters.AddWithValue(start);
        command.Parameters.AddWithValue(end);
        var blocks = new List<UnrolledBlock>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            blocks.Add(new UnrolledBlock(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }
        return blocks;
    }

    /// <summary><see cref="PerHour"/> over the scope, rows of the given kinds only.</summary>
    public static async Task ReadRawAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, RawScope scope, string[] kinds, Action<OnchainHourRow> onRow, CancellationToken ct)
    {
        await using var command = JobsMinutes.Command($"select {Columns} from ({PerHour}) h where kind = any($4)", connection, tx, scope);
        command.Parameters.AddWithValue(kinds);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            onRow(Read(reader));
        }
    }

    private static OnchainHourRow Read(NpgsqlDataReader r) => new(
        r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetFieldValue<byte[]>(2), r.GetString(3), r.GetString(4),
        r.GetInt64(5), r.GetDecimal(6), r.IsDBNull(7) ? null : r.GetFieldValue<long[]>(7), r.IsDBNull(8) ? null : r.GetFieldValue<long[]>(8),
        r.GetInt64(9), r.GetDecimal(10), r.GetDecimal(11), r.GetInt64(12), r.GetInt64(13), r.GetInt64(14), r.GetInt64(15),
        r.GetInt64(16), r.GetDecimal(17));
}
