using Ciro.Alerts.Incidents;
using Microsoft.Extensions.Options;
using Quartz;

namespace Ciro.Alerts.Rules;

/// <summary>
/// Evaluates every rule (the configured no-event rules and pipeline-stalled) on the Quartz schedule. A rule's episode
/// opens once when its condition starts to hold (one notification, not one per evaluation) and resolves once when it
/// stops holding; the store enqueues the notifications in the same transaction and the outbox dispatcher delivers them. No data
/// (nothing indexed yet) leaves the state unchanged rather than counting as "no events".
/// </summary>
[DisallowConcurrentExecution]
public sealed class RuleEvaluationJob(
    IOptions<AlertsOptions> options,
    AnalyticsReader analytics,
    IncidentStore incidents,
    AlertsMetrics metrics,
    ILogger<RuleEvaluationJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var pipeline = options.Value.PipelineStalled;
        var rules = options.Value.Rules.Select(r => (r.Name, Evaluate: (Func<CancellationToken, Task>)(c => EvaluateAsync(r, c))));
        if (pipeline.Enabled)
        {
            rules = rules.Prepend((pipeline.Name, c => EvaluateAsync(pipeline, c)));
        }
        foreach (var (name, evaluate) in rules)
        {
            try
            {
                metrics.Evaluations.Add(1, new KeyValuePair<string, object?>("rule", name));
                await evaluate(ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or Npgsql.NpgsqlException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                metrics.EvaluationErrors.Add(1, new KeyValuePair<string, object?>("rule", name));
                logger.LogWarning(ex, "Rule {Rule} could not be evaluated", name);
            }
        }
    }

    private async Task EvaluateAsync(NoEventRule rule, CancellationToken ct)
    {
        var last = await analytics.GetLastEventAsync(rule.EventName, ct);
        if (last is null)
        {
            logger.LogDebug("Rule {Rule}: no data yet", rule.Name);
            return;
        }
        var silence = last.HeadTime - (last.BlockTime ?? DateTimeOffset.MinValue);
        var breached = last.BlockTime is null ? last.HeadTime != default : silence >= rule.Window;
        var summary = last.BlockTime is null
            ? $"No {rule.EventName} event indexed at all (chain head block {last.HeadBlock})."
            : $"No {rule.EventName} for {silence.TotalMinutes:F1} min of chain time (window {rule.Window.TotalMinutes:F1} min); last at block {last.BlockNumber}, head block {last.HeadBlock}.";
        await ApplyAsync(rule.Name, rule.Severity, rule.IncidentLabels(), breached, summary, ct);
    }

    private async Task EvaluateAsync(PipelineStalledRule rule, CancellationToken ct)
    {
        var status = await analytics.GetPipelineStatusAsync(ct);
        if (status.IndexerState == "halted")
        {
            await ApplyAsync(rule.Name, rule.Severity, PipelineStalledRule.IncidentLabels, true, $"Indexer halted since {status.Since:u}: {status.Reason}", ct);
            return;
        }
        if (status.NewestBlockAgeSeconds is not { } age)
        {
            logger.LogDebug("Rule {Rule}: no block indexed yet", rule.Name);
            return;
        }
        var stale = TimeSpan.FromSeconds(age) > rule.MaxBlockAge;
        await ApplyAsync(rule.Name, rule.Severity, PipelineStalledRule.IncidentLabels, stale,
            $"No new block indexed for {age / 60:F1} min (limit {rule.MaxBlockAge.TotalMinutes:F1} min): the newest is block {status.NewestBlock} " +
            $"of {status.NewestBlockTime:u}; the indexer last reported '{status.IndexerState}'.", ct);
    }

    /// <summary>Opens the rule's episode when it starts to hold, resolves it when it stops; otherwise nothing.</summary>
    private async Task ApplyAsync(string rule, string severity, IReadOnlyDictionary<string, string> labels, bool breached, string summary, CancellationToken ct)
    {
        var open = await incidents.GetOpenAsync(rule, ct);
        var now = DateTimeOffset.UtcNow;
        if (breached && open is null)
        {
            var incident = await incidents.OpenAsync(rule, severity, summary, labels, now, ct);
            if (incident is not null)
            {
                logger.LogWarning("Incident {IncidentId} firing: {Rule} — {Summary}", incident.Id, rule, summary);
                metrics.IncidentsOpened.Add(1, new KeyValuePair<string, object?>("rule", rule));
            }
        }
        else if (!breached && open is not null && await incidents.ResolveAsync(open, labels, now, ct) is not null)
        {
            logger.LogInformation("Incident {IncidentId} resolved: {Rule}", open.Id, rule);
            metrics.IncidentsResolved.Add(1, new KeyValuePair<string, object?>("rule", rule));
        }
    }
}
