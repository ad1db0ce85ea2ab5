using Microsoft.Extensions.Options;

namespace Ciro.Alerts.Rules;

/// <summary>The rule files of <see cref="AlertsOptions.RulesPath"/>, loaded at start. Every problem is logged once
/// with its file, rule and field and kept for GET /api/rules; the rules that are valid run regardless.</summary>
public sealed class RuleCatalog
{
    public RuleCatalog(IOptions<AlertsOptions> options, RuleMetrics metrics, ILogger<RuleCatalog> logger)
    {
        Folder = options.Value.ResolvedRulesPath;
        Current = RuleFileLoader.LoadFolder(Folder);
        foreach (var error in Current.Errors)
        {
            metrics.RuleFileErrors.Add(1);
            logger.LogError("Rule file problem, rule left out: {Problem}", error.Message);
        }
        logger.LogInformation("Loaded {Count} rules from {Folder} ({Errors} problems)", Current.Rules.Count, Folder, Current.Errors.Count);
    }

    public string Folder { get; }

    public RuleSet Current { get; }

    public AlertRule? Find(string id) => Current.Rules.FirstOrDefault(r => r.Id == id);
}
