using Ciro.Alerts.Incidents;
using Microsoft.Extensions.Options;

namespace Ciro.Alerts.Rules;

/// <summary>
/// Evaluates every enabled rule of the <see cref="RuleCatalog"/> (refreshed first, so API rule changes apply at the
/// next evaluation) at the <see cref="TimeProvider"/>'s now, keeping each series' state between evaluations. The state is in memory: after a restart a still-breaching series fires
/// again (a repeat of its open incident) and a recovered one resolves it. Called by the Quartz timer and when blocks
/// commit; one evaluation at a time.
/// </summary>
public sealed class LiveRuleEvaluator(
    RuleCatalog catalog,
    IServiceProvider services,
    IncidentSignals signals,
    TimeProvider time,
    IOptions<AlertsOptions> options,
    AlertsMetrics metrics,
    WindowCache windows,
    ILogger<LiveRuleEvaluator> logger)
{
    private readonly Dictionary<string, Dictionary<string, RuleState>> _states = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The series of a rule and their states, for GET /api/rules/{id}.</summary>
    public IReadOnlyDictionary<string, RuleState> StatesOf(string ruleId)
    {
        lock (_states)
        {
            return _states.TryGetValue(ruleId, out var s) ? new Dictionary<string, RuleState>(s) : [];
        }
    }

    public async Task EvaluateAllAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var at = time.GetUtcNow();
            var started = time.GetTimestamp();
            try
            {
                await catalog.RefreshAsync(ct);
            }
            catch (Npgsql.NpgsqlException ex)
            {
                // The API rules as last read keep running; the next evaluation reads them again.
                metrics.EvaluationErrors.Add(1, new KeyValuePair<string, object?>("rule", ApiRuleStore.Source));
                logger.LogWarning(ex, "API rules could not be read; evaluating those read before");
            }
            var rules = catalog.Current.Rules.Where(r => r.Enabled).ToList();
            lock (_states)
            {
                // A deleted or disabled rule forgets its series: enabled again, it starts from no state.
                foreach (var gone in _states.Keys.Where(id => !rules.Any(r => r.Id == id)).ToList())
                {
                    _states.Remove(gone);
                }
            }
            // A typed client per pass (transient), not one captured for the life of this singleton; the pass's rules
            // share its reads, and extend the previous pass's.
            var analytics = services.GetRequiredService<AnalyticsReader>();
            var data = await PassAsync(analytics, rules, at, ct);
            foreach (var rule in rules)
            {
                await EvaluateAsync(rule, at, data, ct);
            }
            var elapsed = time.GetElapsedTime(started);
            metrics.EvaluationDuration.Record(elapsed.TotalSeconds);
            logger.LogDebug("Evaluated {Rules} rules in {ElapsedMs:F0} ms; rows: {Rows}", rules.Count, elapsed.TotalMilliseconds, data.Counts);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The pass's reads: through the window cache when it is active and the newest indexed block's time can be
    /// read first (rows older than it are all stored); otherwise whole windows, as before the cache.</summary>
    private async Task<PassReads> PassAsync(AnalyticsReader analytics, List<AlertRule> rules, DateTimeOffset at, CancellationToken ct)
    {
        if (!windows.Active || PassReads.Plan(rules, at).Count == 0)
        {
            return PassReads.For(analytics, rules, at); // nothing to keep (or no rule reads rows): no head to read
        }
        try
        {
            var status = await analytics.GetPipelineStatusAsync(ct);
            // Nothing indexed: nothing is final, so the next pass reads whole windows again.
            return PassReads.For(analytics, rules, at, windows, status.NewestBlockTime ?? DateTimeOffset.MinValue);
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "The newest indexed block could not be read; this pass reads whole windows");
            return PassReads.For(analytics, rules, at);
        }
    }

    private async Task EvaluateAsync(AlertRule rule, DateTimeOffset at, IRuleData data, CancellationToken ct)
    {
        var tag = new KeyValuePair<string, object?>("rule", rule.Id);
        try
        {
            metrics.Evaluations.Add(1, tag);
            Dictionary<string, RuleState> states;
            lock (_states)
            {
                states = _states.TryGetValue(rule.Id, out var s) ? new(s) : [];
            }
            var outcomes = await RuleEvaluator.EvaluateAsync(rule, states, at, data, options.Value.DashboardUrl, ct);
            foreach (var outcome in outcomes)
            {
                var breaching = outcome.Measurement.Value >= rule.Threshold;
                if (outcome.Transition == RuleTransition.Fire || (outcome.State.Phase == RulePhase.Firing && breaching))
                {
                    await signals.FireOrRepeatAsync(outcome.Signal, ct);
                }
                else if (outcome.Transition == RuleTransition.Resolve || (outcome.FirstSeen && outcome.Measurement.Value is { } v && v < rule.Threshold && v <= rule.Recovery))
                {
                    await signals.ResolveAsync(outcome.Signal, ct);
                }
            }
            lock (_states)
            {
                _states[rule.Id] = states;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or Npgsql.NpgsqlException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // The states are kept as they were: the next evaluation tries the same step again.
            metrics.EvaluationErrors.Add(1, tag);
            logger.LogWarning(ex, "Rule {Rule} could not be evaluated", rule.Id);
        }
    }
}
