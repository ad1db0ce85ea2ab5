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
        WindowRowsRead = meter.CreateCounter<long>("ciro.alerts.window_rows_read", description: "Rows the live passes read from the analytics API, by kind");
        WindowRowsReused = meter.CreateCounter<long>("ciro.alerts.window_rows_reused",
            description: "Rows a live pass took from the previous pass's read instead of the API, by kind");
        WindowWholeReads = meter.CreateCounter<long>("ciro.alerts.window_whole_reads",
            description: "Whole-window reads of a live pass, by kind and why the previous read could not be extended");
        WindowCacheClears = meter.CreateCounter<long>("ciro.alerts.window_cache_clears", description: "Times every kept row was dropped, by reason");
    }

    /// <summary>Rules (or whole files) left out at load because they did not validate.</summary>
    public Counter<long> RuleFileErrors { get; }

    /// <summary>The BlocksCommitted LISTEN connection failed (the timer still evaluates).</summary>
    public Counter<long> TriggerFailures { get; }

    /// <summary>Rows read from the API by the live passes (tag <c>kind</c>: blocks, jobs, calls).</summary>
    public Counter<long> WindowRowsRead { get; }

    /// <summary>Rows a pass kept from the previous pass's read (tag <c>kind</c>).</summary>
    public Counter<long> WindowRowsReused { get; }

    /// <summary>Reads of a whole window (tags <c>kind</c>, <c>reason</c>: empty, gap, earlier, clock, job-merge).</summary>
    public Counter<long> WindowWholeReads { get; }

    /// <summary>The window cache dropped everything (tag <c>reason</c>: reorg, resync, failed-read, listening, not-listening).</summary>
    public Counter<long> WindowCacheClears { get; }
}
