using Ciro.Alerts.Incidents;

namespace Ciro.Alerts.Rules;

/// <summary>
/// Where the rule files hand their signals to the incident layer: every call they make into <see cref="IncidentStore"/>
/// is here. The store keys incidents by <see cref="AlertSignal.DedupKey"/> (rule id + labels), counts repeats,
/// audits, notifies and counts; this class only says which of its methods a rule outcome calls.
/// </summary>
public sealed class IncidentSignals(IncidentStore store)
{
    /// <summary>A series fired, or keeps breaching while firing (a repeat: the open incident's count and observed value
    /// follow the measure).</summary>
    public Task FireOrRepeatAsync(AlertSignal signal, CancellationToken ct) => store.OpenOrRepeatAsync(signal, ct);

    /// <summary>A series recovered; also called for a series first seen healthy after a start, which resolves an
    /// incident left open while the service was down (nothing happens when none is open).</summary>
    public Task ResolveAsync(AlertSignal signal, CancellationToken ct) => store.ResolveAsync(signal.DedupKey, signal.RuleId, ct);
}
