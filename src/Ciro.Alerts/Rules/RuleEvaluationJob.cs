using Ciro.Alerts.Incidents;
using Ciro.Messages;
using Microsoft.Extensions.Options;
using Quartz;

namespace Ciro.Alerts.Rules;

/// <summary>
/// Evaluates every rule (the configured no-event rules and pipeline-stalled here, then the rule files through
/// <see cref="LiveRuleEvaluator"/>) on the Quartz schedule. A rule's episode
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
    LiveRuleEvaluator ruleFiles,
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
        await ruleFiles.EvaluateAllAsync(ct);
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
        var observed = last.BlockTime is null ? $"no {rule.EventName} ever (head block {last.HeadBlock})" : $"last {rule.EventName} {silence.TotalMinutes:F1} min before the head (block {last.BlockNumber})";
        await ApplyAsync(new AlertSignal(rule.Name, "no-event", Severity(rule.Severity), rule.IncidentLabels(), summary, observed,
            $"at least one {rule.EventName} per {rule.Window.TotalMinutes:F1} min of chain time", last.BlockTime ?? last.HeadTime, null), breached, ct);
    }

    private async Task EvaluateAsync(PipelineStalledRule rule, CancellationToken ct)
    {
        var status = await analytics.GetPipelineStatusAsync(ct);
        if (status.IndexerState == "halted")
        {
            await ApplyAsync(new AlertSignal(rule.Name, "pipeline-stalled", Severity(rule.Severity), PipelineStalledRule.IncidentLabels,
                $"Indexer halted since {status.Since:u}: {status.Reason}", $"indexer halted: {status.Reason}", "indexer indexing",
                status.Since ?? status.CheckedAt, null), true, ct);
            return;
        }
        if (status.NewestBlockAgeSeconds is not { } age)
        {
            logger.LogDebug("Rule {Rule}: no block indexed yet", rule.Name);
            return;
        }
        var stale = TimeSpan.FromSeconds(age) > rule.MaxBlockAge;
        await ApplyAsync(new AlertSignal(rule.Name, "pipeline-stalled", Severity(rule.Severity), PipelineStalledRule.IncidentLabels,
            $"No new block indexed for {age / 60:F1} min (limit {rule.MaxBlockAge.TotalMinutes:F1} min): the newest is block {status.NewestBlock} " +
            $"of {status.NewestBlockTime:u}; the indexer last reported '{status.IndexerState}'.",
            $"newest indexed block {age / 60:F1} min old (block {status.NewestBlock})", $"newer than {rule.MaxBlockAge.TotalMinutes:F1} min",
            status.NewestBlockTime ?? status.CheckedAt, null), stale, ct);
    }

    /// <summary>Severity is validated at start (critical, warning or info), so it always parses.</summary>
    private static IncidentSeverity Severity(string severity) => Enum.Parse<IncidentSeverity>(severity, ignoreCase: true);

    /// <summary>While the condition holds: opens the incident, or counts a repeat on the open one; once it stops
    /// holding: resolves the open one (if any).</summary>
    private async Task ApplyAsync(AlertSignal signal, bool breached, CancellationToken ct)
    {
        if (breached)
        {
            await incidents.OpenOrRepeatAsync(signal, ct);
        }
        else
        {
            await incidents.ResolveAsync(signal.DedupKey, signal.RuleId, ct);
        }
    }
}
