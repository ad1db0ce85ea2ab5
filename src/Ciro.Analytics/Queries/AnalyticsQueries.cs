using Ciro.Analytics.Rollups;
using Npgsql;

namespace Ciro.Analytics.Queries;

/// <summary>Read-side SQL over the indexer's tables. Time windows are anchored at the newest indexed block,
/// not the wall clock, so a backfilled or simulated chain reads the same as a live one.</summary>
public sealed class AnalyticsQueries(NpgsqlDataSource dataSource)
{
    /// <summary>Job lifecycle counted per minute (<see cref="JobsMinutes.PerMinute"/>: submitted and allocated are
    /// their events; assigned, completed and failed are <see cref="ChainSql.WorkerJobs"/>, the definition the worker
    /// rollups count too; "failed" = a reverted submit_job_result transaction) over the <paramref name="minutes"/>
    /// minutes up to the newest block: the minutes whose start is after head − <paramref name="minutes"/> min, up to
    /// and including the head's minute (whole minutes, so the first one may start up to a minute after
    /// head − N and the last one holds only what is indexed so far). Minutes come from ciro.rollup_jobs_minute
    /// (kept with the rollups: the counts of the ledger's blocks) plus the window's blocks not yet in the ledger,
    /// counted raw with the same definition: counting the window raw took 6–30 s at peak rate (60-minute soak).</summary>
    public async Task<JobsActivity?> GetJobsActivityAsync(int minutes, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot: the reconciler moves the table and the ledger together, so a block is counted either from
        // the table or raw, never both or neither.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var head = await GetHeadAsync(connection, ct);
        if (head is null)
        {
            return null;
        }
        static DateTimeOffset MinuteOf(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var first = MinuteOf(head.Value.Time.AddMinutes(-minutes)).AddMinutes(1);
        var end = MinuteOf(head.Value.Time).AddMinutes(1);
        var counts = new SortedDictionary<DateTimeOffset, JobsMinute>();
        void Add(NpgsqlDataReader reader)
        {
            var minute = reader.GetFieldValue<DateTimeOffset>(0);
            var row = new JobsMinute(minute, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
            counts[minute] = counts.TryGetValue(minute, out var had)
                ? new JobsMinute(minute, had.Submitted + row.Submitted, had.Allocated + row.Allocated, had.Assigned + row.Assigned,
                    had.Completed + row.Completed, had.Failed + row.Failed)
                : row;
        }

        await using (var stored = new NpgsqlCommand("""
            select minute, submitted, allocated, assigned, completed, failed from ciro.rollup_jobs_minute
            where minute >= $1 and minute < $2
            """, connection, tx))
        {
            stored.Parameters.AddWithValue(first);
            stored.Parameters.AddWithValue(end);
            await using var reader = await stored.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Add(reader);
            }
        }

        // The window's blocks the ledger does not hold: usually the few newer than its newest block, and a late
        // block below it not yet rolled up (a block replaced by a reorg is counted as the ledger has it until the
        // next pass recomputes its hour).
        long[] pending;
        await using (var unrolled = new NpgsqlCommand("""
            select coalesce(array_agg(b.block_number), '{}') from ciro.blocks b
            where b.block_time >= $1 and b.block_time < $2
              and not exists (select 1 from ciro.rollup_blocks r where r.block_number = b.block_number)
            """, connection, tx))
        {
            unrolled.Parameters.AddWithValue(first);
            unrolled.Parameters.AddWithValue(end);
            pending = (long[])(await unrolled.ExecuteScalarAsync(ct))!;
        }
        if (pending.Length > 0)
        {
            await using var raw = JobsMinutes.Command(JobsMinutes.PerMinute, connection, tx, new RawScope(first, end, pending));
            await using var reader = await raw.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Add(reader);
            }
        }
        return new JobsActivity(head.Value.Number, head.Value.Time, minutes, [.. counts.Values]);
    }

    public async Task<BlockSummary?> GetBlockSummaryAsync(long? blockNumber, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            select b.block_number, ciro.felt_hex(b.block_hash), b.block_time, b.tx_count, b.event_count,
                   b.l1_gas, b.l1_data_gas, b.l2_gas,
                   {ChainSql.RevertedInBlock("b")},
                   (select coalesce(sum(fee_amount) filter (where fee_unit = 'WEI'), 0)::text from ciro.transactions t where t.block_number = b.block_number and t.block_time = b.block_time),
                   (select coalesce(sum(fee_amount) filter (where fee_unit = 'FRI'), 0)::text from ciro.transactions t where t.block_number = b.block_number and t.block_time = b.block_time)
            from ciro.blocks b
            {(blockNumber is null ? "order by b.block_number desc limit 1" : "where b.block_number = $1")}
            """, connection);
        if (blockNumber is not null)
        {
            command.Parameters.AddWithValue(blockNumber.Value);
        }
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new BlockSummary(
            reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3),
            reader.GetInt64(8), reader.GetInt32(4),
            new Dictionary<string, string> { ["WEI"] = reader.GetString(9), ["FRI"] = reader.GetString(10) },
            reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7));
    }

    /// <summary>The newest event of a name, with the chain head for context ("how long since").</summary>
    public async Task<LastEvent?> GetLastEventAsync(string name, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var head = await GetHeadAsync(connection, ct);
        if (head is null)
        {
            return null;
        }
        await using var command = new NpgsqlCommand("""
            select block_number, block_time from ciro.events where name = $1
            order by block_time desc, block_number desc limit 1
            """, connection);
        command.Parameters.AddWithValue(name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var found = await reader.ReadAsync(ct);
        return new LastEvent(name, head.Value.Number, head.Value.Time,
            found ? reader.GetInt64(0) : null, found ? reader.GetFieldValue<DateTimeOffset>(1) : null);
    }

    /// <summary>Time of the newest indexed block: KPI ranges default to end there.</summary>
    public async Task<DateTimeOffset?> GetHeadTimeAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await GetHeadAsync(connection, ct))?.Time;
    }

    private static async Task<(long Number, DateTimeOffset Time)?> GetHeadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "select block_number, block_time from ciro.blocks order by block_number desc limit 1", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1)) : null;
    }
}

/// <summary>CIRO job lifecycle counts of one UTC minute (only minutes with a count are listed).</summary>
public sealed record JobsMinute(DateTimeOffset Minute, long Submitted, long Allocated, long Assigned, long Completed, long Failed);

/// <summary>The live jobs chart: counts per UTC minute over whole minutes, those whose start is after asOf (the
/// newest indexed block's time) minus the minutes asked for, up to and including the minute of asOf.</summary>
public sealed record JobsActivity(long AsOfBlock, DateTimeOffset AsOf, int Minutes, IReadOnlyList<JobsMinute> Buckets);

public sealed record BlockSummary(
    long BlockNumber, string BlockHash, DateTimeOffset Timestamp, int TransactionCount, long RevertedCount, int EventCount,
    IReadOnlyDictionary<string, string> FeesByUnit, long L1Gas, long L1DataGas, long L2Gas);

public sealed record LastEvent(string Name, long HeadBlock, DateTimeOffset HeadTime, long? BlockNumber, DateTimeOffset? BlockTime);
