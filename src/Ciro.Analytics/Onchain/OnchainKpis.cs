using System.Numerics;
using Ciro.Analytics.Rollups;
using Ciro.Starknet;
using Npgsql;

namespace Ciro.Analytics.Onchain;

/// <summary>
/// The performance monitor's view of the contracts (its events: CallSampled, JobSampled, CallsFlushed, the
/// registry's WorkerSamplePushed) next to the same metric computed off-chain from every indexed transaction, and
/// the difference. Sampled totals are scaled by the rate each event carries (<see cref="SampledEstimate"/>).
/// Everything but the flushed counters and the pushed worker samples (a few events per hour, read by name and time)
/// comes from the hourly statistics of <see cref="OnchainHours"/>: stored rows for the range's whole hours, the same
/// definition computed raw for its partial edge hours and for blocks not rolled up yet, so the answers are those of
/// the raw events.
/// </summary>
public sealed class OnchainKpis(NpgsqlDataSource dataSource)
{
    /// <summary>The instrumented entry points (contracts/src): the monitor counts a call of these in its hourly buckets.</summary>
    public static readonly string[] HookedFunctions =
    [
        "submit_ai_job", "assign_job_to_worker", "submit_job_result", "fail_job", "distribute_rewards",
        "allocate_job", "register_worker", "stake", "request_unstake", "complete_unstake",
    ];

    private static readonly Dictionary<Felt, string> FunctionBySelector = HookedFunctions.ToDictionary(Selector.FromName, f => f);

    public async Task<CallsReport> GetCallsAsync(DateTimeOffset from, DateTimeOffset to, double targetError, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot: the reconciler moves the rollup and its ledger together, so a block is read either from the
        // rollup or raw, never both or neither.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var unrolled = await OnchainHours.UnrolledAsync(connection, tx, from.AddDays(-1), to, ct);
        var stats = await OnchainHours.ReadAsync(connection, tx, from, to, [OnchainKind.Sample, OnchainKind.Call], wholeRange: false, anyWorker: true, unrolled, ct);
        var rates = await RatesAsync(connection, tx, from, to, unrolled, ct);

        // Per (hour, function): the samples of every contract, the contract of the hour's first sample.
        var sampled = stats.Where(r => r.Kind == OnchainKind.Sample).GroupBy(r => (r.Hour, r.Function)).ToDictionary(g => g.Key,
            g => (Samples: (int)g.Sum(r => r.Samples), RateSum: (long)g.Sum(r => r.RateSum), Contract: ContractText(g.MinBy(r => r.FirstSample!, PositionOrder)!.Contract)));
        // Per (hour, function): successful calls; a function on several contracts is reported under the greatest.
        var actual = new Dictionary<(DateTimeOffset Hour, string Function), (string Contract, long Count)>();
        foreach (var row in stats.Where(r => r.Kind == OnchainKind.Call).OrderBy(r => Convert.ToHexString(r.Contract), StringComparer.Ordinal))
        {
            actual[(row.Hour, row.Function)] = (ContractText(row.Contract), row.Actual);
        }

        var flushed = new Dictionary<(DateTimeOffset Hour, string Function), long>();
        await using (var command = new NpgsqlCommand("""
            select (decoded->>'hour')::bigint, decoded->>'selector', (decoded->>'count')::bigint
            from ciro.events where name = 'PerformanceEvent::CallsFlushed' and block_time >= $1 and block_time < $2 + interval '2 hours'
            """, connection, tx))
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

        var keys = sampled.Keys.Concat(actual.Keys).Distinct().OrderBy(k => k.Hour).ThenBy(k => k.Function, StringComparer.Ordinal).ToList();
        var rows = new List<CallRow>();
        foreach (var key in keys)
        {
            var (hour, function) = key;
            var truth = actual.GetValueOrDefault(key);
            var inHour = sampled.TryGetValue(key, out var s) ? s : (Samples: 0, RateSum: 0L, Contract: truth.Contract);
            var contract = inHour.Samples > 0 ? inHour.Contract : truth.Contract;
            var estimate = SampledEstimate.Total(inHour.Samples, inHour.RateSum, RateAt(rates, contract, hour.AddHours(1)));
            rows.Add(Row(function, contract, hour, estimate, flushed.TryGetValue(key, out var f) ? f : null, truth.Count, targetError));
        }
        var totals = rows.GroupBy(r => (r.Function, r.Contract)).Select(g =>
        {
            var all = sampled.Where(p => p.Key.Function == g.Key.Function).Select(p => p.Value).ToList();
            var estimate = SampledEstimate.Total(all.Sum(a => a.Samples), all.Sum(a => a.RateSum), RateAt(rates, g.Key.Contract, to));
            // Hours without samples add their own interval width: sum the per-hour bounds when there are such hours.
            var emptyHigh = g.Where(r => r.Samples == 0).Sum(r => r.High);
            return Row(g.Key.Function, g.Key.Contract, null, estimate with { High = estimate.High + emptyHigh },
                g.Any(r => r.Flushed is not null) ? g.Sum(r => r.Flushed ?? 0) : null, g.Sum(r => r.Actual), targetError);
        }).OrderBy(r => r.Function, StringComparer.Ordinal).ToList();
        return new CallsReport(from, to, targetError, rows, totals);
    }

    public async Task<WorkersReport> GetWorkersAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var unrolled = await OnchainHours.UnrolledAsync(connection, tx, from.AddDays(-1), to, ct);
        var stats = await OnchainHours.ReadAsync(connection, tx, from, to, [OnchainKind.Sample, OnchainKind.Worker], wholeRange: true, anyWorker: false, unrolled, ct);
        // The JobManager's job samples: worker = account address, as in JobAssigned / JobCompleted.
        var samples = stats.Where(r => r.Kind == OnchainKind.Sample && r.Worker != "" && r.Function is "assign_job_to_worker" or "submit_job_result" or "fail_job").ToList();
        var sampled = samples.GroupBy(r => (Worker: Felt.Parse(r.Worker).ToString(), r.Function))
            .ToDictionary(g => g.Key, g => (Samples: (int)g.Sum(r => r.Samples), RateSum: (long)g.Sum(r => r.RateSum)));
        var actual = new Dictionary<string, (long Assigned, long Completed, long Failed)>();
        foreach (var row in stats.Where(r => r.Kind == OnchainKind.Worker))
        {
            var worker = Felt.Parse(row.Worker).ToString();
            var a = actual.GetValueOrDefault(worker);
            actual[worker] = (a.Assigned + row.Assigned, a.Completed + row.Completed, a.Failed + row.Failed);
        }
        var pushed = new Dictionary<string, PushedWorkerSample>();
        await using (var command = new NpgsqlCommand("""
            select distinct on (decoded->>'worker') decoded->>'worker', (decoded->>'assigned')::bigint, (decoded->>'completed')::bigint,
                   (decoded->>'failed')::bigint, (decoded->>'total_duration')::numeric, block_time
            from ciro.events where name = 'WorkerSamplePushed' and block_time >= $1 and block_time < $2
            order by decoded->>'worker', block_number desc, tx_index desc, event_index desc
            """, connection, tx))
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
        var rates = await RatesAsync(connection, tx, from, to, unrolled, ct);
        // The contract of the range's first job sample.
        var jobManager = samples.Count == 0 ? null : ContractText(samples.MinBy(r => r.FirstSample!, PositionOrder)!.Contract);
        var rateNow = jobManager is null ? 1 : RateAt(rates, jobManager, to);
        var workers = sampled.Keys.Select(k => k.Worker).Concat(actual.Keys).Distinct().Order(StringComparer.Ordinal);
        var rows = workers.Select(worker =>
        {
            Estimate Stage(string function) => sampled.TryGetValue((worker, function), out var s)
                ? SampledEstimate.Total(s.Samples, s.RateSum, rateNow) : SampledEstimate.Total(0, 0, rateNow);
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
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var unrolled = await OnchainHours.UnrolledAsync(connection, tx, from, to, ct);
        var stats = await OnchainHours.ReadAsync(connection, tx, from, to, [OnchainKind.Sample, OnchainKind.Timing], wholeRange: true, anyWorker: true, unrolled, ct);
        var durations = stats.Where(r => r.Kind == OnchainKind.Sample && r.Function == "submit_job_result").ToList();
        var estimate = SampledEstimate.Mean(durations.Sum(r => r.DurationCount),
            durations.Aggregate(BigInteger.Zero, (sum, r) => sum + OnchainHourRow.Integer(r.DurationSum)),
            durations.Aggregate(BigInteger.Zero, (sum, r) => sum + OnchainHourRow.Integer(r.DurationSquares)));
        var timing = stats.Where(r => r.Kind == OnchainKind.Timing).ToList();
        var jobs = timing.Sum(r => r.Pairs);
        double? mean = null;
        if (jobs > 0)
        {
            // PostgreSQL's avg is numeric Σ / count: the same division, so the mean is the raw avg's to the bit.
            await using var command = new NpgsqlCommand("select ($1::numeric / $2::numeric)::float8", connection, tx);
            command.Parameters.AddWithValue(timing.Sum(r => r.PairSeconds));
            command.Parameters.AddWithValue(jobs);
            mean = (double)(await command.ExecuteScalarAsync(ct))!;
        }
        return new JobTimingReport(from, to, "assigned→completed", estimate.Samples, Finite(estimate.Value), Finite(estimate.Low), Finite(estimate.High),
            jobs, mean, mean is { } m && estimate.Samples > 0 ? estimate.Value - m : null,
            mean is { } t && estimate.Samples > 1 ? estimate.Contains(t) : null);
    }

    /// <summary>The last rate each contract's monitor events carried per hour (a sample's rate, a SampleRateChanged's
    /// new rate), from a day before the range: the rate in force for hours without samples.</summary>
    private static async Task<List<OnchainHourRow>> RatesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset from, DateTimeOffset to,
        IReadOnlyList<UnrolledBlock> unrolled, CancellationToken ct) =>
        await OnchainHours.ReadAsync(connection, tx, from.AddDays(-1), to, [OnchainKind.Rate], wholeRange: false, anyWorker: false, unrolled, ct);

    /// <summary>The last rate seen for the contract before <paramref name="time"/> (an hour boundary or the range's
    /// end, after every rate row); 1 (every call counted) if none.</summary>
    private static long RateAt(List<OnchainHourRow> rates, string contract, DateTimeOffset time) =>
        rates.Where(r => r.Hour < time && ContractText(r.Contract) == contract).Select(r => r.LastRate!).MaxBy(p => p, PositionOrder) is { } last
            && last[3] > 0 ? last[3] : 1;

    private static readonly Comparer<long[]> PositionOrder = Comparer<long[]>.Create(OnchainHourRow.Compare);

    private static string ContractText(byte[] contract) => "0x" + Convert.ToHexString(contract).ToLowerInvariant().TrimStart('0');

    private static CallRow Row(string function, string contract, DateTimeOffset? hour, Estimate e, long? flushed, long actual, double targetError) =>
        new(function, contract, hour, e.Samples, e.Value, Math.Round(e.Low, 2), Math.Round(e.High, 2), flushed, actual,
            e.Value - actual, actual == 0 ? null : Math.Round((e.Value - actual) / actual, 4), e.Contains(actual),
            SampledEstimate.RateForRelativeError(actual, targetError));

    private static double? Finite(double v) => double.IsFinite(v) ? Math.Round(v, 3) : null;
}

/// <param name="Estimated">Σ of the sampled events' rates; Low/High its 95% interval.</param>
/// <param name="Flushed">The monitor's own hourly counter as flush_calls pushed it (CallsFlushed), when flushed.</param>
/// <param name="Actual">Successful calls counted off-chain from every indexed transaction.</param>
/// <param name="Difference">Estimated − Actual; RelativeError = Difference / Actual.</param>
/// <param name="RateForTarget">The largest 1-in-N sample rate whose 95% interval stays within ±TargetError of this row's
/// off-chain count (<see cref="SampledEstimate.RateForRelativeError"/>); null when nothing was called.</param>
public sealed record CallRow(string Function, string Contract, DateTimeOffset? Hour, int Samples, double Estimated, double Low, double High,
    long? Flushed, long Actual, double Difference, double? RelativeError, bool WithinInterval, long? RateForTarget);

/// <param name="TargetError">The relative error (95% interval half-width over the count) each row's RateForTarget keeps.</param>
public sealed record CallsReport(DateTimeOffset From, DateTimeOffset To, double TargetError, IReadOnlyList<CallRow> Hours, IReadOnlyList<CallRow> Totals);

public sealed record PushedWorkerSample(long Assigned, long Completed, long Failed, decimal TotalDuration, DateTimeOffset At);

/// <summary>A worker's jobs as the monitor estimates them (JobSampled × rate; failed = stage 2) and as counted off-chain
/// (JobAssigned, JobCompleted, and WorkerReleased of a job it was assigned), with the last stats the keeper pushed.</summary>
public sealed record WorkerRow(string Worker, Estimate Assigned, long ActualAssigned, Estimate Completed, long ActualCompleted,
    Estimate Failed, long ActualFailed, PushedWorkerSample? Pushed);

public sealed record WorkersReport(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<WorkerRow> Workers);

/// <param name="EstimatedMeanSeconds">Mean assignment-to-completion time of the sampled jobs (JobSampled stage 1 durations).</param>
/// <param name="ActualMeanSeconds">The same over every completed job, from JobAssigned and JobCompleted.</param>
public sealed record JobTimingReport(DateTimeOffset From, DateTimeOffset To, string Stage, int Samples, double? EstimatedMeanSeconds,
    double? Low, double? High, long ActualJobs, double? ActualMeanSeconds, double? Difference, bool? WithinInterval);
