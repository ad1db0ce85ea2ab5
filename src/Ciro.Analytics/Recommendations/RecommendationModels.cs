namespace Ciro.Analytics.Recommendations;

/// <summary>What a recommendation is about: a contract (and function or event), or a caller. Its <see cref="Key"/>
/// names the rule and target only, never a measured value, so the same finding found again is the same row.</summary>
public sealed record RecommendationTarget(string Kind, string? Contract = null, string? Selector = null, string? Function = null,
    string? Event = null, string? Caller = null)
{
    public string Key => string.Join('|', new[] { Kind, Contract, Selector, Event, Caller }.Where(p => p is not null));
}

/// <summary>One rule's finding over a window. Savings are for the window; the engine scales them to a week.</summary>
public sealed record Finding(
    string Rule,
    RecommendationTarget Target,
    string Title,
    Dictionary<string, object?> Evidence,
    string[] Samples,
    double WindowL2Gas,
    double WindowL1DataGas,
    decimal? WindowFeeFri,
    string Formula,
    string Confidence)
{
    public string Key => $"{Rule}:{Target.Key}";
}

/// <summary>A stored recommendation as the API returns it.</summary>
public sealed record Recommendation(
    long Id,
    string Key,
    string Rule,
    RecommendationTarget Target,
    string Title,
    System.Text.Json.JsonElement Evidence,
    string[] Samples,
    long WeeklyL2Gas,
    long WeeklyL1DataGas,
    decimal WeeklyFeeFri,
    string Formula,
    string Confidence,
    string Status,
    string? StatusReason,
    string? StatusBy,
    DateTimeOffset? StatusAt,
    DateTimeOffset WindowFrom,
    DateTimeOffset WindowTo,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    bool Firing);

/// <summary>A rule the evaluation could not run, or ran without some evidence, and why.</summary>
public sealed record NotEvaluated(string Rule, string Reason);

public sealed record RecommendationRun(DateTimeOffset RanAt, DateTimeOffset WindowFrom, DateTimeOffset WindowTo, int Findings,
    IReadOnlyList<NotEvaluated> NotEvaluated);

public sealed record RecommendationList(IReadOnlyList<Recommendation> Items, RecommendationRun? LastRun);

/// <summary>Body of accept and dismiss: dismissing needs the reason.</summary>
public sealed record StatusChange(string? Reason);

/// <summary>Lifecycle states.</summary>
public static class RecommendationStatus
{
    public const string New = "new";
    public const string Accepted = "accepted";
    public const string Dismissed = "dismissed";
    public const string Verified = "verified";
    public const string Regressed = "regressed";

    public static readonly string[] All = [New, Accepted, Dismissed, Verified, Regressed];
}
