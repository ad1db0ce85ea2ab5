using System.Globalization;

namespace Ciro.Alerts.Rules;

/// <summary>The data the rule kinds read: the analytics API live (<see cref="AnalyticsReader"/>), or one prefetched
/// range in a backtest (<see cref="RangeCache"/>).</summary>
public interface IRuleData
{
    Task<IReadOnlyList<GasCall>> GetGasCallsAsync(DateTimeOffset from, DateTimeOffset to, string? contract, string? function, CancellationToken ct);
    Task<IReadOnlyList<BlockSample>> GetBlocksAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
    Task<IReadOnlyList<JobSample>> GetJobsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
    Task<IReadOnlyList<AnomalySample>> GetAnomaliesAsync(DateTimeOffset from, DateTimeOffset to, string metric, string? contract, string? function, CancellationToken ct);
}

/// <summary>One series' measure at one evaluation: <see cref="Value"/> null is "no data" (<see cref="Observed"/> then
/// says why). <see cref="Labels"/> are the series labels (function, worker, …), without the rule's own.</summary>
public sealed record Measurement(IReadOnlyDictionary<string, string> Labels, double? Value, string Observed, string Expected);

/// <summary>
/// The five rule kinds as measures over [at − window, at). Every measure grows with badness, so the state machine
/// compares it with the threshold the same way for every kind. Statistics are robust ones (median, nearest-rank
/// p95, median absolute deviation) so one odd transaction does not move a rule.
/// </summary>
public static class RuleConditions
{
    /// <summary>Jobs are listed by submission time; a job ending in the window is counted when it was submitted at
    /// most this long before the window (the simulator's slowest: 2 blocks × a 100× slow factor, under 7 minutes). A
    /// longer lookback costs every evaluation another page of the lifecycle join.</summary>
    public static readonly TimeSpan JobLookback = TimeSpan.FromMinutes(10);

    public const string SubmitJobResult = "submit_job_result";

    public static Task<IReadOnlyList<Measurement>> MeasureAsync(AlertRule rule, DateTimeOffset at, IRuleData data, CancellationToken ct) => rule.Kind switch
    {
        RuleKind.GasSpike => GasSpikeAsync(rule, at, data, ct),
        RuleKind.SlowExecution => SlowExecutionAsync(rule, at, data, ct),
        RuleKind.WorkerDegradation => WorkerDegradationAsync(rule, at, data, ct),
        RuleKind.NetworkCongestion => CongestionAsync(rule, at, data, ct),
        _ => UsageAnomalyAsync(rule, at, data, ct),
    };

    /// <summary>How far before the window a rule reads (its baseline, and the jobs' lookback).</summary>
    public static TimeSpan Lookback(AlertRule rule) => rule.Window + (rule.Baseline ?? TimeSpan.Zero) + JobLookback + TimeSpan.FromHours(1);

    private static async Task<IReadOnlyList<Measurement>> GasSpikeAsync(AlertRule rule, DateTimeOffset at, IRuleData data, CancellationToken ct)
    {
        var start = at - rule.Window;
        var calls = await data.GetGasCallsAsync(start - (rule.Baseline ?? TimeSpan.Zero), at, rule.Contract, rule.Function, ct);
        double Amount(GasCall c) => rule.Metric == "fee_fri"
            ? (c.FeeUnit == "FRI" && double.TryParse(c.Fee, NumberStyles.Float, CultureInfo.InvariantCulture, out var fee) ? fee : double.NaN)
            : c.L2Gas;
        List<double> In(DateTimeOffset from, DateTimeOffset to) =>
            calls.Where(c => c.BlockTime >= from && c.BlockTime < to).Select(Amount).Where(v => !double.IsNaN(v)).ToList();
        var labels = Series(("function", rule.Function), ("contract", rule.Contract));
        var what = rule.Metric == "fee_fri" ? "fee (fri)" : "L2 gas";
        var current = In(start, at);
        if (current.Count < rule.MinSamples)
        {
            return [NoData(labels, $"{current.Count} calls of {rule.Function} in the window (at least {rule.MinSamples} needed)")];
        }
        var median = Median(current);
        var observed = $"median {what} per call {Format(median)} over {current.Count} calls";
        return [Relative(rule, labels, median, observed, rule.Baseline is { } b ? In(start - b, start) : null, Median,
            baseline => $"{what} per call at most {Format(rule.Threshold)}× its baseline median {Format(baseline)}",
            $"{what} per call at most {Format(rule.Threshold)}")];
    }

    private static async Task<IReadOnlyList<Measurement>> SlowExecutionAsync(AlertRule rule, DateTimeOffset at, IRuleData data, CancellationToken ct)
    {
        var start = at - rule.Window;
        var baselineStart = start - (rule.Baseline ?? TimeSpan.Zero);
        Func<DateTimeOffset, DateTimeOffset, List<double>> In;
        if (rule.Metric == "block-interval")
        {
            var blocks = await data.GetBlocksAsync(baselineStart, at, ct);
            In = (from, to) => blocks.Where(b => b.BlockTime >= from && b.BlockTime < to && b.IntervalSeconds is not null)
                .Select(b => b.IntervalSeconds!.Value).ToList();
        }
        else
        {
            var jobs = await data.GetJobsAsync(baselineStart - JobLookback, at, ct);
            In = (from, to) => jobs.Select(j => Stage(rule.Metric, j)).OfType<(DateTimeOffset End, double Seconds)>()
                .Where(s => s.End >= from && s.End < to).Select(s => s.Seconds).ToList();
        }
        var durations = In(start, at);
        var labels = Series(("stage", rule.Metric));
        if (durations.Count < rule.MinSamples)
        {
            return [NoData(labels, $"{durations.Count} {rule.Metric} samples in the window (at least {rule.MinSamples} needed)")];
        }
        var p95 = Percentile(durations, 0.95);
        return [Relative(rule, labels, p95, $"p95 {rule.Metric} {Format(p95)} s over {durations.Count} samples",
            rule.Baseline is { } ? In(baselineStart, start) : null, d => Percentile(d, 0.95),
            baseline => $"p95 at most {Format(rule.Threshold)}× its baseline {Format(baseline)} s", $"p95 at most {Format(rule.Threshold)} s")];
    }

    /// <summary>The stage's end time and duration, or null when the job has not reached both ends.</summary>
    private static (DateTimeOffset, double)? Stage(string metric, JobSample j)
    {
        var (from, to) = metric switch
        {
            "submitted-completed" => (j.SubmittedAt, j.CompletedAt),
            "assigned-completed" => (j.AssignedAt, j.CompletedAt),
            _ => (j.SubmittedAt, j.AssignedAt),
        };
        return from is { } f && to is { } t && t >= f ? (t, (t - f).TotalSeconds) : null;
    }

    private static async Task<IReadOnlyList<Measurement>> WorkerDegradationAsync(AlertRule rule, DateTimeOffset at, IRuleData data, CancellationToken ct)
    {
        var start = at - rule.Window;
        var baselineStart = start - (rule.Baseline ?? TimeSpan.Zero);
        var jobs = await data.GetJobsAsync(baselineStart - JobLookback, at, ct);
        var submissions = rule.Metric == "success-rate" ? await data.GetGasCallsAsync(baselineStart, at, rule.Contract, SubmitJobResult, ct) : [];

        Dictionary<string, (double Value, int Samples)> PerWorker(DateTimeOffset from, DateTimeOffset to)
        {
            var completed = jobs.Where(j => j.Worker is not null && j.CompletedAt >= from && j.CompletedAt < to).ToList();
            if (rule.Metric == "completion-time")
            {
                return completed.Where(j => j.AssignedAt is not null).GroupBy(j => Address(j.Worker!))
                    .ToDictionary(g => g.Key, g => (Median(g.Select(j => (j.CompletedAt!.Value - j.AssignedAt!.Value).TotalSeconds).ToList()), g.Count()));
            }
            // JobManager emits no failure event: a failed job is a reverted submit_job_result its worker sent.
            var failed = submissions.Where(c => c.Sender is not null && c.Status != "SUCCEEDED" && c.BlockTime >= from && c.BlockTime < to)
                .GroupBy(c => Address(c.Sender!)).ToDictionary(g => g.Key, g => g.Count());
            var done = completed.GroupBy(j => Address(j.Worker!)).ToDictionary(g => g.Key, g => g.Count());
            return done.Keys.Union(failed.Keys).ToDictionary(w => w, w =>
            {
                var ok = done.GetValueOrDefault(w);
                var total = ok + failed.GetValueOrDefault(w);
                return ((double)ok / total, total);
            });
        }

        var now = PerWorker(start, at);
        var before = rule.Against == "history" ? PerWorker(baselineStart, start) : [];
        var rate = rule.Metric == "success-rate";
        var unit = rate ? "" : " s";
        var measured = now.Where(w => w.Value.Samples >= rule.MinSamples).ToDictionary(w => w.Key, w => w.Value.Value);
        var results = new List<Measurement>();
        foreach (var (worker, (value, samples)) in now.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var labels = Series(("worker", worker));
            var observed = rate ? $"success rate {value:P1} of {samples} finished jobs" : $"median completion {Format(value)} s over {samples} jobs";
            if (samples < rule.MinSamples)
            {
                results.Add(NoData(labels, $"{samples} finished jobs in the window (at least {rule.MinSamples} needed)"));
                continue;
            }
            if (rule.Against == "history")
            {
                if (!before.TryGetValue(worker, out var history) || history.Samples < rule.MinSamples)
                {
                    results.Add(NoData(labels, $"{observed}; too little history in the baseline"));
                    continue;
                }
                var past = history.Value;
                results.Add(rate
                    ? new Measurement(labels, past - value, observed, $"a drop of at most {rule.Threshold:P0} from its own {past:P1}")
                    : new Measurement(labels, past > 0 ? value / past : null, observed, $"at most {Format(rule.Threshold)}× its own {Format(past)} s"));
                continue;
            }
            var peers = measured.Where(p => p.Key != worker).Select(p => p.Value).ToList();
            if (peers.Count < 2)
            {
                results.Add(NoData(labels, $"{observed}; fewer than 2 peers with {rule.MinSamples} finished jobs"));
                continue;
            }
            var median = Median(peers);
            var spread = Math.Max(1.4826 * Median(peers.Select(p => Math.Abs(p - median)).ToList()), rule.MinSpread);
            var distance = (rate ? median - value : value - median) / spread;
            var peerText = rate ? $"{median:P1}" : $"{Format(median)} s";
            results.Add(new Measurement(labels, Math.Round(distance, 4), observed,
                $"within {Format(rule.Threshold)} robust spreads ({Format(spread)}{unit}) of its {peers.Count} peers' median {peerText}"));
        }
        return results;
    }

    private static async Task<IReadOnlyList<Measurement>> CongestionAsync(AlertRule rule, DateTimeOffset at, IRuleData data, CancellationToken ct)
    {
        var start = at - rule.Window;
        var blocks = await data.GetBlocksAsync(start - (rule.Baseline ?? TimeSpan.Zero), at, ct);
        List<double> In(DateTimeOffset from, DateTimeOffset to) => blocks.Where(b => b.BlockTime >= from && b.BlockTime < to)
            .Select(b => rule.Metric switch
            {
                "l2-gas" => b.UtilisationOfLimit,
                "transactions" => (double)b.Transactions / rule.MaxTransactions,
                _ => double.TryParse(b.L2GasPriceFri, NumberStyles.Float, CultureInfo.InvariantCulture, out var price) ? price : double.NaN,
            }).Where(v => !double.IsNaN(v)).ToList();
        var labels = Series(("metric", rule.Metric));
        var current = In(start, at);
        if (current.Count < rule.MinSamples)
        {
            return [NoData(labels, $"{current.Count} blocks in the window (at least {rule.MinSamples} needed)")];
        }
        var mean = current.Average();
        var observed = rule.Metric switch
        {
            "l2-gas" => $"blocks {mean:P1} full of the L2 gas limit on average over {current.Count} blocks",
            "transactions" => $"blocks {mean:P1} full of the {rule.MaxTransactions}-transaction limit on average over {current.Count} blocks",
            _ => $"mean L2 gas price {Format(mean)} fri over {current.Count} blocks",
        };
        return [Relative(rule, labels, mean, observed, rule.Baseline is { } b ? In(start - b, start) : null, d => d.Average(),
            baseline => $"at most {Format(rule.Threshold)}× its baseline {Format(baseline)}", $"at most {rule.Threshold:P0} full")];
    }

    private static async Task<IReadOnlyList<Measurement>> UsageAnomalyAsync(AlertRule rule, DateTimeOffset at, IRuleData data, CancellationToken ct)
    {
        // Hours are scored whole: only hours that ended inside (at − window, at] count, never the running one.
        var from = Floor(at - rule.Window);
        var hours = await data.GetAnomaliesAsync(from, at, rule.Metric, rule.Contract, rule.Function, ct);
        var labels = Series(("function", rule.Function), ("contract", rule.Contract), ("metric", rule.Metric));
        var scored = hours.Where(h => h.Hour.AddHours(1) <= at && h.Hour.AddHours(1) > at - rule.Window && !h.WarmingUp && h.Value is not null).ToList();
        if (scored.Count == 0)
        {
            var warming = hours.Any(h => h.WarmingUp);
            return [NoData(labels, warming ? "the anomaly detector is still warming up on this series" : "no scored hour in the window")];
        }
        var counted = scored.Where(h => rule.Direction switch
        {
            "up" => h.Value > h.Expected,
            "down" => h.Value < h.Expected,
            _ => true,
        }).ToList();
        var worst = counted.MaxBy(h => h.Score);
        return worst is null
            ? [new Measurement(labels, 0, $"no hour {rule.Direction} from its expected value in {scored.Count} scored hours", $"score below {Format(rule.Threshold)}")]
            : [new Measurement(labels, worst.Score,
                $"anomaly score {worst.Score:F2} at {worst.Hour:yyyy-MM-dd HH:mm}Z: {rule.Metric} {Format(worst.Value!.Value)} vs expected {Format(worst.Expected ?? double.NaN)}" +
                (worst.Driver is null ? "" : $" ({worst.Driver})"),
                $"score below {Format(rule.Threshold)}")];
    }

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    /// <summary>Absolute (no baseline): the measure is the value. Relative: the value over the baseline's
    /// statistic, no data when the baseline has too few samples.</summary>
    private static Measurement Relative(AlertRule rule, IReadOnlyDictionary<string, string> labels, double value, string observed,
        List<double>? baseline, Func<List<double>, double> statistic, Func<double, string> relativeExpected, string absoluteExpected)
    {
        if (baseline is null)
        {
            return new Measurement(labels, value, observed, absoluteExpected);
        }
        if (baseline.Count < rule.MinSamples)
        {
            return NoData(labels, $"{observed}; {baseline.Count} samples in the baseline (at least {rule.MinSamples} needed)");
        }
        var reference = statistic(baseline);
        return reference <= 0
            ? NoData(labels, $"{observed}; the baseline is zero")
            : new Measurement(labels, Math.Round(value / reference, 6), observed, relativeExpected(reference));
    }

    private static Measurement NoData(IReadOnlyDictionary<string, string> labels, string why) => new(labels, null, "no data: " + why, "");

    private static Dictionary<string, string> Series(params (string Key, string? Value)[] labels) =>
        labels.Where(l => l.Value is not null).ToDictionary(l => l.Key, l => l.Value!);

    /// <summary>One spelling of an address (0x, lower case, no leading zeros), as JobRow and GasTxRow may differ.</summary>
    public static string Address(string felt)
    {
        var hex = felt.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? felt[2..] : felt;
        hex = hex.TrimStart('0').ToLowerInvariant();
        return "0x" + (hex.Length == 0 ? "0" : hex);
    }

    public static double Median(List<double> values) => Percentile(values, 0.5);

    /// <summary>Nearest rank.</summary>
    public static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        var rank = Math.Max(1, (int)Math.Ceiling(q * sorted.Count));
        return sorted[rank - 1];
    }

    public static string Format(double value) => Math.Abs(value) >= 1000
        ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);
}
