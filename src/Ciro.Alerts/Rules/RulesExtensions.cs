namespace Ciro.Alerts.Rules;

public static class RulesExtensions
{
    /// <summary>The rule files and the API rules, their live evaluation (timer and BlocksCommitted) and their hand-off to incidents.</summary>
    public static void AddAlertRules(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RuleMetrics>();
        builder.Services.AddSingleton<ApiRuleStore>();
        builder.Services.AddSingleton<RuleCatalog>();
        builder.Services.AddSingleton<IncidentSignals>();
        builder.Services.AddSingleton<WindowCache>();
        builder.Services.AddSingleton<LiveRuleEvaluator>();
        builder.Services.AddHostedService<BlocksCommittedTrigger>();
    }
}
