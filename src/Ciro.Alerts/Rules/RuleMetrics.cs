using System.Diagnostics.Metrics;
using Ciro.Alerts.Incidents;

namespace Ciro.Alerts.Rules;

/// <summary>The rule files' own counters, on the alerts meter.</summary>
public sealed class RuleMetrics
{
    public RuleMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(AlertsMetrics.MeterName);
        RuleFileErrors = meter.CreateCounter<long>("ciro.alerts.rule_file_errors");
        TriggerFailures = meter.CreateCounter<long>("ciro.alerts.blocks_trigger_failures");
    }

    /// <summary>Rules (or whole files) left out at load because they did not validate.</summary>
    public Counter<long> RuleFileErrors { get; }

    /// <summary>The BlocksCommitted LISTEN connection failed (the timer still evaluates).</summary>
    public Counter<long> TriggerFailures { get; }
}
