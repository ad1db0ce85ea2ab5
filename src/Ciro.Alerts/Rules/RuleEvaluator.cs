using System.Globalization;
using Ciro.Alerts.Incidents;
using Ciro.Messages;

namespace Ciro.Alerts.Rules;

/// <summary>A series' evaluation: its measure, its state after the step, the transition, and the signal that describes
/// it. <paramref name="FirstSeen"/>: the series had no state before (a new series, or the first evaluation after a start).</summary>
public sealed record RuleOutcome(AlertSignal Signal, RuleTransition Transition, RuleState State, Measurement Measurement, bool FirstSeen);

/// <summary>
/// One evaluation of one rule at one time: measure every series, step each series' state, and describe the series
/// that fired or resolved as <see cref="AlertSignal"/>s. Shared by the live evaluator and the backtest. A series
/// seen before but absent now (a worker that went quiet) is evaluated as "no data".
/// </summary>
public static class RuleEvaluator
{
    public static async Task<IReadOnlyList<RuleOutcome>> EvaluateAsync(AlertRule rule, Dictionary<string, RuleState> states, DateTimeOffset at,
        IRuleData data, string dashboardUrl, CancellationToken ct)
    {
        var measurements = (await RuleConditions.MeasureAsync(rule, at, data, ct)).ToList();
        var seen = measurements.Select(m => SeriesKey(m.Labels)).ToHashSet();
        measurements.AddRange(states.Keys.Where(k => !seen.Contains(k))
            .Select(k => new Measurement(ParseKey(k), null, "no data: the series has no samples in the window", "")));
        var outcomes = new List<RuleOutcome>();
        foreach (var measurement in measurements)
        {
            var key = SeriesKey(measurement.Labels);
            var firstSeen = !states.TryGetValue(key, out var state);
            state ??= RuleState.Inactive;
            var (next, transition) = RuleStateMachine.Step(rule, state, measurement.Value, at);
            states[key] = next;
            outcomes.Add(new RuleOutcome(Signal(rule, measurement, next.Since ?? state.Since ?? at, at, dashboardUrl), transition, next, measurement, firstSeen));
        }
        return outcomes;
    }

    /// <summary>The rule's labels, its kind and the series' labels (function, worker, …).</summary>
    public static IReadOnlyDictionary<string, string> Labels(AlertRule rule, IReadOnlyDictionary<string, string> series)
    {
        var labels = new Dictionary<string, string>(rule.Labels) { ["kind"] = rule.KindText };
        foreach (var (key, value) in series)
        {
            labels[key] = value;
        }
        return labels;
    }

    private static AlertSignal Signal(AlertRule rule, Measurement m, DateTimeOffset since, DateTimeOffset at, string dashboardUrl)
    {
        var where = m.Labels.Count == 0 ? "" : " on " + string.Join(", ", m.Labels.Select(l => $"{l.Key}={l.Value}"));
        var expected = m.Expected.Length == 0 ? "" : $"; expected {m.Expected}";
        var summary = $"{rule.KindText}{where}: {m.Observed}{expected} (window {Duration(rule.Window)}, since {since:yyyy-MM-dd HH:mm:ss}Z).";
        // Severity is validated at load (critical, warning or info), so it always parses.
        return new AlertSignal(rule.Id, rule.KindText, Enum.Parse<IncidentSeverity>(rule.Severity, ignoreCase: true), Labels(rule, m.Labels),
            summary, m.Observed, m.Expected, since,
            DashboardLink(dashboardUrl, rule, m.Labels, since - rule.Window, at));
    }

    /// <summary>The dashboard over the series' time range, filtered to its function or worker.</summary>
    public static string DashboardLink(string dashboardUrl, AlertRule rule, IReadOnlyDictionary<string, string> series, DateTimeOffset from, DateTimeOffset to)
    {
        var query = new List<string>
        {
            "from=" + from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "to=" + to.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "rule=" + Uri.EscapeDataString(rule.Id),
        };
        query.AddRange(series.Where(l => l.Key is "function" or "contract" or "worker").Select(l => $"{l.Key}={Uri.EscapeDataString(l.Value)}"));
        return $"{dashboardUrl.TrimEnd('/')}/?{string.Join("&", query)}";
    }

    public static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 && t.Minutes == 0 && t.Seconds == 0 ? $"{t.TotalHours:0}h" : t.TotalMinutes >= 1 && t.Seconds == 0 ? $"{t.TotalMinutes:0}m" : $"{t.TotalSeconds:0}s";

    /// <summary>The series' identity from its labels only (never a measured value): key order, escaped.</summary>
    public static string SeriesKey(IReadOnlyDictionary<string, string> labels) =>
        string.Join("\n", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    private static Dictionary<string, string> ParseKey(string key) =>
        key.Length == 0 ? [] : key.Split('\n').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
