using Npgsql;

namespace Ciro.Analytics.Queries;

/// <summary>Read-side SQL over the indexer's tables. Time windows are anchored at the newest indexed block,
/// not the wall clock, so a backfilled or simulated chain reads the same as a live one.</summary>
public sealed class AnalyticsQueries(NpgsqlDataSource dataSource)
{
    /// <summary>Job lifecycle counted per minute over the <paramref name="minutes"/> up to the newest block:
    /// submitted and allocated are their events; assigned, completed and failed are <see cref="ChainSql.WorkerJobs"/>,
    /// the definition the worker rollups count too ("failed" = a reverted submit_job_result transaction: the
    /// CIRO JobManager has no failure event).</summary>
    public async Task<JobsActivity?> GetJobsActivityAsync(int minutes, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var head = await GetHeadAsync(connection, ct);
        if (head is null)
        {
            return null;
        }
        var from = head.Value.Time.AddMinutes(-minutes);
        await using var command = new NpgsqlCommand($"""
            with lifecycle as (
              select date_trunc('minute', e.block_time, 'UTC') as minute, e.name as kind
              from ciro.events e
              where e.block_time >= $1 and e.block_time < $2 and e.name in ('{CiroEvents.JobSubmitted}', '{CiroEvents.JobAllocated}')
              union all
              select date_trunc('minute', j.block_time, 'UTC'), j.kind from ({ChainSql.WorkerJobs}) j
            )
            select minute,
                   count(*) filter (where kind = '{CiroEvents.JobSubmitted}'),
                   count(*) filter (where kind = '{CiroEvents.JobAllocated}'),
                   count(*) filter (where kind = '{ChainSql.Assigned}'),
                   count(*) filter (where kind = '{ChainSql.Completed}'),
                   count(*) filter (where kind = '{ChainSql.Failed}')
            from lifecycle group by minute order by minute
            """, connection);
        // The window is (from, head]. Stored times have microsecond resolution, so [from + 1 µs, head + 1 µs) is
        // the same window in the half-open form the shared fragment takes.
        command.Parameters.AddWithValue(from.AddTicks(TimeSpan.TicksPerMicrosecond));
        command.Parameters.AddWithValue(head.Value.Time.AddTicks(TimeSpan.TicksPerMicrosecond));
        var buckets = new List<JobsMinute>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            buckets.Add(new JobsMinute(reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1), reader.GetInt64(2),
                reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
        }
        return new JobsActivity(head.Value.Number, head.Value.Time, minutes, buckets);
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

public sealed record JobsMinute(DateTimeOffset Minute, long Submitted, long Allocated, long Assigned, long Completed, long Failed);

public sealed record JobsActivity(long AsOfBlock, DateTimeOffset AsOf, int Minutes, IReadOnlyList<JobsMinute> Buckets);

public sealed record BlockSummary(
    long BlockNumber, string BlockHash, DateTimeOffset Timestamp, int TransactionCount, long RevertedCount, int EventCount,
    IReadOnlyDictionary<string, string> FeesByUnit, long L1Gas, long L1DataGas, long L2Gas);

public sealed record LastEvent(string Name, long HeadBlock, DateTimeOffset HeadTime, long? BlockNumber, DateTimeOffset? BlockTime);
