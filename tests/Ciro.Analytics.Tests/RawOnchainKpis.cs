using Ciro.Analytics.Onchain;
using Ciro.Starknet;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>
/// The on-chain KPIs as they were computed before the hourly rollup (migration 109), kept verbatim as the reference:
/// every figure from the raw events and calls of the range on each request. OnchainHoursTests require the API's
/// answers (rollup + raw edges) to equal these.
/// </summary>
internal sealed class RawOnchainKpis(NpgsqlDataSource dataSource)
{
    /// <summary>The instrumented entry points (contracts/src): the monitor counts a call of these in its hourly buckets.</summary>
    private static readonly string[] HookedFunctions = OnchainKpis.HookedFunctions;

    private static readonly Dictionary<Felt, string> FunctionBySelector = HookedFunctions.ToDictionary(Selector.FromName, f => f);

    private const string CallSampled = "PerformanceEvent::CallSampled";
    private const string JobSampled = "PerformanceEvent::JobSampled";

    /// <summary>Each sampled event joined to the call that emitted it (same transaction and contract): CallSampled by its
    /// selector, JobSampled by the one hooked job function of that contract in the transaction, stage 1/2 by name.</summary>
    private const string SamplesSql = $"""
        select e.block_time, c.function_name, encode(e.contract, 'hex'), (e.decoded->>'sample_rate')::bigint,
               coalesce((e.decoded->>'stage')::int, -1), coalesce((e.decoded->>'duration')::bigint, 0), e.decoded->>'worker'
        from ciro.events e
        join lateral (
          select c.function_name from ciro.tx_calls c
          where c.block_number = e.block_number and c.block_time = e.block_time and c.tx_index = e.tx_index and c.contract = e.contract
            and ((e.name = '{CallSampled}' and c.selector = ciro.felt_bytes(e.decoded->>'selector'))
              or (e.name = '{JobSampled}'
                  and c.function_name = case (e.decoded->>'stage')::int when 1 then 'submit_job_result' when 2 then 'fail_job' else c.function_name end
                  and c.function_name in ('allocate_job', 'assign_job_to_worker', 'submit_job_result', 'fail_job')))
          order by c.call_index limit 1) c on true
        where e.name in ('{CallSampled}', '{JobSampled}') and e.block_time >= $1 and e.block_time < $2
        order by e.block_number, e.tx_index, e.event_index
        """;

    public async Task<CallsReport> GetCallsAsync(DateTimeOffset from, DateTimeOffset to, double targetError, CancellationToken ct)
    {
        var samples = await ReadSamplesAsync(from, to, ct);
        var rates = await RateTimelineAsync(from, to, ct);

        var actual = new Dictionary<(DateTimeOffset Hour, string Function), (string Contract, long Count)>();
        await using (var command = dataSource.CreateCommand("""
            select date_trunc('hour', c.block_time), c.function_name, encode(c.contract, 'hex'), count(*)
            from ciro.tx_calls c
            join ciro.transactions t on t.block_number = c.block_number and t.block_time = c.block_time and t.tx_index = c.tx_index
            where t.execution_status = 'SUCCEEDED' and c.function_name = any($3) and c.block_time >= $1 and c.block_time < $2
            group by 1, 2, 3
            """))
        {
            command.Parameters.Add(new() { Value = from });
            command.Parameters.Add(new() { Value = to });
            command.Parameters.Add(new() { Value = HookedFunctions });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                actual[(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1))] = ("0x" + reader.GetString(2).TrimStart('0'), reader.GetInt64(3));
            }
        }

        var flushed = new Dictionary<(DateTimeOffset Hour, string Function), long>();
        await using (var command = dataSource.CreateCommand($"""
            select (decoded->>'hour')::bigint, decoded->>'selector', (decoded->>'count')::bigint
            from ciro.events where name = 'PerformanceEvent::CallsFlushed' and block_time >= $1 and block_time < $2 + interval '2 hours'
            """))
        {
            command.Parameters.Add(new() { Value = from });
            command.Parameters.Add(new() { Value = to });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var hour = DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(0) * 3600);
                if (hour >= from && hour < to && Felt.TryParse(reader.GetString(1), out var selector) && FunctionBySelector.TryGetValue(selector, out var function))
                {
                    flushed[(hour, function)] = reader.GetInt64(2);
                }
            }
        }

        var keys = samples.Select(s => (Hour: Hour(s.Time), s.Function)).Concat(actual.Keys).Distinct()
            .OrderBy(k => k.Hour).ThenBy(k => k.Function, StringComparer.Ordinal).ToList();
        var rows = new List<CallRow>();
        foreach (var (hour, function) in keys)
        {
            var inHour = samples.Where(s => s.Function == function && Hour(s.Time) == hour).ToList();
            var truth = actual.GetValueOrDefault((hour, function));
            var contract = inHour.FirstOrDefault()?.Contract ?? truth.Contract;
            var estimate = SampledEstimate.Total(inHour.Select(s => s.Rate).ToList(), RateAt(rates, contract, hour.AddHours(1)));
            rows.Add(Row(function, contract, hour, estimate, flushed.TryGetValue((hour, function), out var f) ? f : null, truth.Count, targetError));
        }
        var totals = rows.GroupBy(r => (r.Function, r.Contract)).Select(g =>
        {
            var all = samples.Where(s => s.Function == g.Key.Function).Select(s => s.Rate).ToList();
            var estimate = SampledEstimate.Total(all, RateAt(rates, g.Key.Contract, to));
            // Hours without samples add their own interval width: sum the per-hour bounds when there are such hours.
            var emptyHigh = g.Where(r => r.Samples == 0).Sum(r => r.High);
            return Row(g.Key.Function, g.Key.Contract, null, estimate with { High = estimate.High + emptyHigh },
                g.Any(r => r.Flushed is not null) ? g.Sum(r => r.Flushed ?? 0) : null, g.Sum(r => r.Actual), targetError);
        }).OrderBy(r => r.Function, StringComparer.Ordinal).ToList();
        return new CallsReport(from, to, targetError, rows, totals);
    }

    public async Task<WorkersReport> GetWorkersAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        // The JobManager's job samples: worker = account address, as in JobAssigned / JobCompleted.
        var samples = (await ReadSamplesAsync(from, to, ct))
            .Where(s => s.Worker is not null && s.Function is "assign_job_to_worker" or "submit_job_result" or "fail_job").ToList();
        var actual = new Dictionary<string, (long Assigned, long Completed, long Failed)>();
        await using (var command = dataSource.CreateCommand("""
            select e.decoded->>'worker', count(*) filter (where e.name = 'JobAssigned'), count(*) filter (where e.name = 'JobCompleted'), 0::bigint
            from ciro.events e where e.name in ('JobAssigned', 'JobCompleted') and e.block_time >= $1 and e.block_time < $2
            group by 1
            union all
            select a.decoded->>'worker', 0, 0, count(*)
            from ciro.events r join ciro.events a on a.name = 'JobAssigned' and a.decoded->>'job_id' = r.decoded->'job_id'->>'value'
            where r.name = 'WorkerReleased' and r.block_time >= $1 and r.block_time < $2
            group by 1
            """))
        {
            command.Parameters.Add(new() { Value = from });
            command.Parameters.Add(new() { Value = to });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var worker = Felt.Parse(reader.GetString(0)).ToString();
                var a = actual.GetValueOrDefault(worker);
                actual[worker] = (a.Assigned + reader.GetInt64(1), a.Completed + reader.GetInt64(2), a.Failed + reader.GetInt64(3));
            }
        }
        var pushed = new Dictionary<string, PushedWorkerSample>();
        await using (var command = dataSource.CreateCommand("""
            select distinct on (decoded->>'worker') decoded->>'worker', (decoded->>'assigned')::bigint, (decoded->>'completed')::bigint,
                   (decoded->>'failed')::bigint, (decoded->>'total_duration')::numeric, block_time
            from ciro.events where name = 'WorkerSamplePushed' and block_time >= $1 and block_time < $2
            order by decoded->>'worker', block_number desc, tx_index desc, event_index desc
            """))
        {
            command.Parameters.Add(new() { Value = from });
            command.Parameters.Add(new() { Value = to });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                pushed[Felt.Parse(reader.GetString(0)).ToString()] = new PushedWorkerSample(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                    reader.GetDecimal(4), reader.GetFieldValue<DateTimeOffset>(5));
            }
        }
        var rates = await RateTimelineAsync(from, to, ct);
        var jobManager = samples.FirstOrDefault()?.Contract;
        var rateNow = jobManager is null ? 1 : RateAt(rates, jobManager, to);
        var workers = samples.Select(s => s.Worker!).Concat(actual.Keys).Distinct().Order(StringComparer.Ordinal);
        var rows = workers.Select(worker =>
        {
            var mine = samples.Where(s => s.Worker == worker).ToList();
            Estimate Stage(string function) => SampledEstimate.Total(mine.Where(s => s.Function == function).Select(s => s.Rate).ToList(), rateNow);
            var truth = actual.GetValueOrDefault(worker);
            return new WorkerRow(worker,
                Stage("assign_job_to_worker"), truth.Assigned,
                Stage("submit_job_result"), truth.Completed,
                Stage("fail_job"), truth.Failed,
                pushed.GetValueOrDefault(worker));
        }).ToList();
        return new WorkersReport(from, to, rows);
    }

    public async Task<JobTimingReport> GetJobTimingsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var durations = (await ReadSamplesAsync(from, to, ct))
            .Where(s => s.Function == "submit_job_result" && s.Duration > 0).Select(s => (double)s.Duration).ToList();
        var estimate = SampledEstimate.Mean(durations);
        await using var command = dataSource.CreateCommand("""
            select count(*), avg(extract(epoch from c.block_time - a.block_time))::float8
            from ciro.events c join ciro.events a on a.name = 'JobAssigned' and a.decoded->>'job_id' = c.decoded->>'job_id'
            where c.name = 'JobCompleted' and c.block_time >= $1 and c.block_time < $2
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var jobs = reader.GetInt64(0);
        double? mean = reader.IsDBNull(1) ? null : reader.GetDouble(1);
        return new JobTimingReport(from, to, "assigned→completed", estimate.Samples, Finite(estimate.Value), Finite(estimate.Low), Finite(estimate.High),
            jobs, mean, mean is { } m && estimate.Samples > 0 ? estimate.Value - m : null,
            mean is { } t && estimate.Samples > 1 ? estimate.Contains(t) : null);
    }

    private sealed record Sample(DateTimeOffset Time, string Function, string Contract, long Rate, int Stage, long Duration, string? Worker);

    private async Task<List<Sample>> ReadSamplesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(SamplesSql);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var samples = new List<Sample>();
        while (await reader.ReadAsync(ct))
        {
            samples.Add(new Sample(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), "0x" + reader.GetString(2).TrimStart('0'),
                reader.GetInt64(3), reader.GetInt32(4), reader.GetInt64(5), reader.IsDBNull(6) ? null : Felt.Parse(reader.GetString(6)).ToString()));
        }
        return samples;
    }

    /// <summary>When each contract's rate was seen (a sample's rate, a SampleRateChanged's new rate), for hours without samples.</summary>
    private async Task<List<(DateTimeOffset Time, string Contract, long Rate)>> RateTimelineAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select block_time, encode(contract, 'hex'), coalesce((decoded->>'sample_rate')::bigint, (decoded->>'new_rate')::bigint)
            from ciro.events
            where name in ('{CallSampled}', '{JobSampled}', 'PerformanceEvent::SampleRateChanged')
              and block_time >= $1 - interval '1 day' and block_time < $2
            order by block_number, tx_index, event_index
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var timeline = new List<(DateTimeOffset, string, long)>();
        while (await reader.ReadAsync(ct))
        {
            timeline.Add((reader.GetFieldValue<DateTimeOffset>(0), "0x" + reader.GetString(1).TrimStart('0'), reader.GetInt64(2)));
        }
        return timeline;
    }

    /// <summary>The last rate seen for the contract before <paramref name="time"/>; 1 (every call counted) if none.</summary>
    private static long RateAt(List<(DateTimeOffset Time, string Contract, long Rate)> timeline, string contract, DateTimeOffset time) =>
        timeline.LastOrDefault(t => t.Contract == contract && t.Time < time) is { Rate: > 0 } last ? last.Rate : 1;

    private static DateTimeOffset Hour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    private static CallRow Row(string function, string contract, DateTimeOffset? hour, Estimate e, long? flushed, long actual, double targetError) =>
        new(function, contract, hour, e.Samples, e.Value, Math.Round(e.Low, 2), Math.Round(e.High, 2), flushed, actual,
            e.Value - actual, actual == 0 ? null : Math.Round((e.Value - actual) / actual, 4), e.Contains(actual),
            SampledEstimate.RateForRelativeError(actual, targetError));

    private static double? Finite(double v) => double.IsFinite(v) ? Math.Round(v, 3) : null;
}
