using Ciro.Alerts.Incidents;
using Microsoft.Extensions.Options;
using Quartz;

namespace Ciro.Alerts.Rules;

/// <summary>
/// Evaluates every rule on the Quartz schedule. A rule's episode opens once when its condition starts to
/// hold (one notification, not one per evaluation) and resolves once when it stops holding; the store enqueues
/// the notifications in the same transaction and the outbox dispatcher delivers them. No data
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
        foreach (var rule in options.Value.Rules)
        {
            try
            {
                await EvaluateAsync(rule, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or Npgsql.NpgsqlException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                metrics.EvaluationErrors.Add(1, new KeyValuePair<string, object?>("rule", rule.Name));
                logger.LogWarning(ex, "Rule {Rule} could not be evaluated", rule.Name);
            }
        }
    }

    private async Task EvaluateAsync(NoEventRule rule, CancellationToken ct)
    {
        metrics.Evaluations.Add(1, new KeyValuePair<string, object?>("rule", rule.Name));
        var last = await analytics.GetLastEventAsync(rule.EventName, ct);
        if (last is null)
        {
            logger.LogDebug("Rule {Rule}: no data yet", rule.Name);
            return;
        }
        var silence = last.HeadTime - (last.BlockTime ?? DateTimeOffset.MinValue);
        var breached = last.BlockTime is null ? last.HeadTime != default : silence >= rule.Window;
        var open = await incidents.GetOpenAsync(rule.Name, ct);
        var now = DateTimeOffset.UtcNow;

        if (breached && open is null)
        {
            var summary = last.BlockTime is null
                ? $"No {rule.EventName} event indexed at all (chain head block {last.HeadBlock})."
                : $"No {rule.EventName} for {silence.TotalMinutes:F1} min of chain time (window {rule.Window.TotalMinutes:F1} min); last at block {last.BlockNumber}, head block {last.HeadBlock}.";
            var incident = await incidents.OpenAsync(rule.Name, rule.Severity, summary, rule.IncidentLabels(), now, ct);
            if (incident is not null)
            {
                logger.LogWarning("Incident {IncidentId} firing: {Rule} — {Summary}", incident.Id, rule.Name, summary);
                metrics.IncidentsOpened.Add(1, new KeyValuePair<string, object?>("rule", rule.Name));
            }
        }
        else if (!breached && open is not null && await incidents.ResolveAsync(open, rule.IncidentLabels(), now, ct) is not null)
        {
            logger.LogInformation("Incident {IncidentId} resolved: {Rule}", open.Id, rule.Name);
            metrics.IncidentsResolved.Add(1, new KeyValuePair<string, object?>("rule", rule.Name));
        }
    }
}
