using System.ComponentModel.DataAnnotations;
using Ciro.Messages;

namespace Ciro.Alerts.Rules;

/// <summary>Bound from the <see cref="SectionName"/> configuration section and validated at start.</summary>
public sealed class AlertsOptions : IValidatableObject
{
    public const string SectionName = "Alerts";

    /// <summary>How often rules are evaluated (Quartz simple trigger).</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(15);

    public List<NoEventRule> Rules { get; set; } = [];

    /// <summary>The folder of rule files (YAML or JSON); relative paths are resolved against the service's binaries,
    /// where the default folder shipped with the repository (<c>alert-rules/</c>) is copied.</summary>
    public string RulesPath { get; set; } = "alert-rules";

    public string ResolvedRulesPath => Path.IsPathRooted(RulesPath) ? RulesPath : Path.Combine(AppContext.BaseDirectory, RulesPath);

    /// <summary>The Ciro dashboard, for the link in every alert to the series and time range it is about.</summary>
    public string DashboardUrl { get; set; } = "http://localhost:8080";

    public PipelineStalledRule PipelineStalled { get; set; } = new();

    public EmailOptions Email { get; set; } = new();

    public WindowCacheOptions WindowCache { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var problem in WindowCache.Validate())
        {
            yield return problem;
        }
        if (EvaluationInterval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult($"Alerts:EvaluationInterval = '{EvaluationInterval}' must be at least 1 second.", [nameof(EvaluationInterval)]);
        }
        foreach (var (rule, index) in Rules.Select((r, i) => (r, i)))
        {
            foreach (var problem in rule.Validate(index))
            {
                yield return problem;
            }
        }
        foreach (var problem in PipelineStalled.Validate())
        {
            yield return problem;
        }
        if (Rules.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            yield return new ValidationResult($"Alerts:Rules has two rules named '{duplicate.Key}'.", [nameof(Rules)]);
        }
        if (!Uri.TryCreate(DashboardUrl, UriKind.Absolute, out var dashboard) || dashboard.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult($"Alerts:DashboardUrl = '{DashboardUrl}' must be an absolute http(s) URL.", [nameof(DashboardUrl)]);
        }
        if (Email.To.Count == 0)
        {
            yield return new ValidationResult("Alerts:Email:To must list at least one recipient.", ["Email.To"]);
        }
    }
}

/// <summary>"No <see cref="EventName"/> for <see cref="Window"/>": measured in chain time, from the newest
/// matching event to the newest indexed block, so a stalled indexer does not look like a quiet contract.</summary>
public sealed class NoEventRule
{
    public string Name { get; set; } = "";
    public string EventName { get; set; } = "";
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
    public string Severity { get; set; } = "critical";

    /// <summary>What the incident is about, for routing and the dashboard: the watched event.</summary>
    public IReadOnlyDictionary<string, string> IncidentLabels() => new Dictionary<string, string> { ["event"] = EventName };

    public IEnumerable<ValidationResult> Validate(int index)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return new ValidationResult($"Alerts:Rules:{index}:Name is empty.", ["Name"]);
        }
        else if (Name.Length > IncidentChanged.MaxRuleLength)
        {
            yield return new ValidationResult($"Alerts:Rules:{index}:Name = '{Name}' is longer than {IncidentChanged.MaxRuleLength} characters.", ["Name"]);
        }
        if (string.IsNullOrWhiteSpace(EventName))
        {
            yield return new ValidationResult($"Alerts:Rules:{index}:EventName is empty.", ["EventName"]);
        }
        else if (EventName.Length > IncidentChanged.MaxLabelValueLength)
        {
            yield return new ValidationResult(
                $"Alerts:Rules:{index}:EventName = '{EventName}' is longer than {IncidentChanged.MaxLabelValueLength} characters.", ["EventName"]);
        }
        if (Window <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"Alerts:Rules:{index}:Window = '{Window}' must be positive.", ["Window"]);
        }
        if (Severity is not ("critical" or "warning" or "info"))
        {
            yield return new ValidationResult($"Alerts:Rules:{index}:Severity = '{Severity}' must be critical, warning or info.", ["Severity"]);
        }
    }
}

/// <summary>"Data stopped flowing": the indexer halted (another chain in the database, a reorg deeper than its
/// limit — with its reason), or the newest indexed block is older than <see cref="MaxBlockAge"/> on the wall clock
/// (an indexer that stopped cannot say so itself). Read through analytics' /api/pipeline/status.</summary>
public sealed class PipelineStalledRule
{
    public bool Enabled { get; set; } = true;
    public string Name { get; set; } = "pipeline-stalled";

    /// <summary>What the incident is about, for routing and the dashboard: the indexing pipeline.</summary>
    public static readonly IReadOnlyDictionary<string, string> IncidentLabels = new Dictionary<string, string> { ["pipeline"] = "indexer" };
    public TimeSpan MaxBlockAge { get; set; } = TimeSpan.FromMinutes(10);
    public string Severity { get; set; } = "critical";

    public IEnumerable<ValidationResult> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return new ValidationResult("Alerts:PipelineStalled:Name is empty.", ["PipelineStalled.Name"]);
        }
        if (MaxBlockAge <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"Alerts:PipelineStalled:MaxBlockAge = '{MaxBlockAge}' must be positive.", ["PipelineStalled.MaxBlockAge"]);
        }
        if (Severity is not ("critical" or "warning" or "info"))
        {
            yield return new ValidationResult($"Alerts:PipelineStalled:Severity = '{Severity}' must be critical, warning or info.", ["PipelineStalled.Severity"]);
        }
    }
}

/// <summary>The live passes' reuse of the rows read by the previous pass (<see cref="Ciro.Alerts.Rules.WindowCache"/>).</summary>
public sealed class WindowCacheOptions
{
    /// <summary>Off: every pass reads its whole windows from the API, as the backtest does.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How far before the previous read's final time a pass reads again: a reorg shallower than this replaces
    /// the rows it touched even if its message is lost; a deeper one is heard of as a <c>Reorg</c> message.</summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A kept job without a completion is read again (from its submission) while it was submitted less than
    /// this before the previous read's final time; older, it is kept as read. A failed job never completes (JobManager
    /// emits no failure event), so without this bound one failed job would make every pass read jobs from it on. The
    /// default is <see cref="RuleConditions.JobLookback"/>, the rules' own bound on a job's length.</summary>
    public TimeSpan UnfinishedJobHorizon { get; set; } = RuleConditions.JobLookback;

    public IEnumerable<ValidationResult> Validate()
    {
        if (Overlap < TimeSpan.Zero || Overlap > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult($"Alerts:WindowCache:Overlap = '{Overlap}' must be from 00:00:00 to 01:00:00.", ["WindowCache.Overlap"]);
        }
        if (UnfinishedJobHorizon < TimeSpan.Zero || UnfinishedJobHorizon > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult(
                $"Alerts:WindowCache:UnfinishedJobHorizon = '{UnfinishedJobHorizon}' must be from 00:00:00 to 1.00:00:00.", ["WindowCache.UnfinishedJobHorizon"]);
        }
    }
}

public sealed class EmailOptions
{
    public string From { get; set; } = "ciro-alerts@localhost";

    /// <summary>Empty by default: configuration binding appends to a list's initial items, so a default recipient here
    /// would stay in the list next to every configured one (the default lives in appsettings.json instead).</summary>
    public List<string> To { get; set; } = [];
}
