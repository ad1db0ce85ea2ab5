using System.Text;
using Ciro.Messages;

namespace Ciro.Alerts.Incidents;

/// <summary>
/// What a rule says when its condition holds: the input of <see cref="IncidentStore.OpenOrRepeatAsync"/>. Every
/// rule kind produces one per breaching series (contract, function, worker…) at each evaluation; the store turns the
/// first into an incident and the next ones into repeats of it, keyed by <see cref="DedupKey"/>.
/// </summary>
/// <param name="RuleId">The rule's name (unique among rules; at most <see cref="IncidentChanged.MaxRuleLength"/> characters).</param>
/// <param name="RuleKind">gas-spike, slow-execution, worker-degradation, network-congestion, usage-anomaly, pipeline-stalled, no-event.</param>
/// <param name="Severity">Critical, warning or info.</param>
/// <param name="Labels">Where: contract, function, worker… (identity of the series, never a measured value).</param>
/// <param name="Summary">What, in one line.</param>
/// <param name="Observed">The measured value with its unit, e.g. "412,000 L2 gas per call (p95 over 10 min)".</param>
/// <param name="Expected">The bound or baseline it was held to, e.g. "≤ 120,000 (baseline 45,000 × 2.7)".</param>
/// <param name="Since">When the condition started to hold (data time where the rule reads data, else wall time).</param>
/// <param name="DashboardUrl">Link to the dashboard view of that series and time range, or null.</param>
public sealed record AlertSignal(
    string RuleId,
    string RuleKind,
    IncidentSeverity Severity,
    IReadOnlyDictionary<string, string> Labels,
    string Summary,
    string Observed,
    string Expected,
    DateTimeOffset Since,
    string? DashboardUrl)
{
    /// <summary>The identity of the incident this signal belongs to: the rule and its labels in key order.</summary>
    public string DedupKey => DedupKeys.Of(RuleId, Labels);
}

public static class DedupKeys
{
    /// <summary><c>rule{key="value",…}</c> with keys in ordinal order (Prometheus' series notation): the same rule
    /// and labels always give the same key, whatever the order they were added in and whatever was measured.</summary>
    public static string Of(string ruleId, IReadOnlyDictionary<string, string> labels)
    {
        var key = new StringBuilder(ruleId).Append('{');
        var first = true;
        foreach (var (name, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            key.Append(first ? "" : ",").Append(name).Append("=\"").Append(value.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
            first = false;
        }
        return key.Append('}').ToString();
    }
}
