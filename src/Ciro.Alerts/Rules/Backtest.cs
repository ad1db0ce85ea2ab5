namespace Ciro.Alerts.Rules;

/// <summary>An incident the rule would have opened: when, for which series, what it measured; ResolvedAt null when
/// it was still firing at the end of the range.</summary>
public sealed record BacktestIncident(IReadOnlyDictionary<string, string> Labels, DateTimeOffset OpenedAt, DateTimeOffset? ResolvedAt,
    string Summary, string Observed, string Expected);

public sealed record BacktestResult(string RuleId, string Kind, DateTimeOffset From, DateTimeOffset To, double StepSeconds, int Evaluations,
    int NoDataEvaluations, IReadOnlyList<BacktestIncident> Incidents);

/// <summary>
/// Runs a rule over a past range as the live evaluator would have: every <c>step</c> from <c>from</c> to <c>to</c>,
/// the same measures and the same state machine, starting from no state. The range's data is read from analytics
/// once (<see cref="RangeCache"/>) and sliced per evaluation.
/// </summary>
public static class Backtest
{
    /// <summary>At most this many evaluations in one backtest (a day at one a minute is 1,440).</summary>
    public const int MaxEvaluations = 20_000;

    public static async Task<BacktestResult> RunAsync(AlertRule rule, DateTimeOffset from, DateTimeOffset to, TimeSpan step, IRuleData analytics,
        string dashboardUrl, CancellationToken ct)
    {
        var data = new RangeCache(analytics, from - RuleConditions.Lookback(rule), to);
        var states = new Dictionary<string, RuleState>();
        var open = new Dictionary<string, BacktestIncident>();
        var incidents = new List<BacktestIncident>();
        var evaluations = 0;
        var noData = 0;
        for (var at = from + step; at <= to; at += step)
        {
            evaluations++;
            foreach (var outcome in await RuleEvaluator.EvaluateAsync(rule, states, at, data, dashboardUrl, ct))
            {
                noData += outcome.Measurement.Value is null ? 1 : 0;
                var key = RuleEvaluator.SeriesKey(outcome.Signal.Labels);
                if (outcome.Transition == RuleTransition.Fire)
                {
                    var incident = new BacktestIncident(outcome.Signal.Labels, at, null, outcome.Signal.Summary, outcome.Signal.Observed, outcome.Signal.Expected);
                    open[key] = incident;
                    incidents.Add(incident);
                }
                else if (outcome.Transition == RuleTransition.Resolve && open.Remove(key, out var opened))
                {
                    incidents[incidents.IndexOf(opened)] = opened with { ResolvedAt = at };
                }
            }
        }
        return new BacktestResult(rule.Id, rule.KindText, from, to, step.TotalSeconds, evaluations, noData, incidents);
    }
}

/// <summary>Reads each kind of data for the whole range once, then answers every window from memory.</summary>
public sealed class RangeCache(IRuleData inner, DateTimeOffset from, DateTimeOffset to) : IRuleData
{
    private readonly Dictionary<string, object> _loaded = [];

    private async Task<IReadOnlyList<T>> AllAsync<T>(string key, Func<Task<IReadOnlyList<T>>> load)
    {
        if (!_loaded.TryGetValue(key, out var rows))
        {
            rows = _loaded[key] = await load();
        }
        return (IReadOnlyList<T>)rows;
    }

    public async Task<IReadOnlyList<GasCall>> GetGasCallsAsync(DateTimeOffset start, DateTimeOffset end, string? contract, string? function, CancellationToken ct) =>
        (await AllAsync($"gas|{contract}|{function}", () => inner.GetGasCallsAsync(from, to, contract, function, ct)))
            .Where(c => c.BlockTime >= start && c.BlockTime < end).ToList();

    public async Task<IReadOnlyList<BlockSample>> GetBlocksAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken ct) =>
        (await AllAsync("blocks", () => inner.GetBlocksAsync(from, to, ct))).Where(b => b.BlockTime >= start && b.BlockTime < end).ToList();

    /// <summary>Jobs are listed by submission time, with lifecycle times after it — as the API lists them, but
    /// without the events that happened after <paramref name="end"/> (the live evaluator could not have seen them).</summary>
    public async Task<IReadOnlyList<JobSample>> GetJobsAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken ct) =>
        (await AllAsync("jobs", () => inner.GetJobsAsync(from, to, ct)))
            .Where(j => j.SubmittedAt >= start && j.SubmittedAt < end)
            .Select(j => new JobSample(j.JobId, j.Worker, Before(j.SubmittedAt, end), Before(j.AllocatedAt, end), Before(j.AssignedAt, end), Before(j.CompletedAt, end)))
            .ToList();

    public async Task<IReadOnlyList<AnomalySample>> GetAnomaliesAsync(DateTimeOffset start, DateTimeOffset end, string metric, string? contract, string? function,
        CancellationToken ct) =>
        (await AllAsync($"anomalies|{metric}|{contract}|{function}", () => inner.GetAnomaliesAsync(from, to, metric, contract, function, ct)))
            .Where(h => h.Hour.AddHours(1) > start && h.Hour < end).ToList();

    private static DateTimeOffset? Before(DateTimeOffset? t, DateTimeOffset end) => t < end ? t : null;
}
