using System.ComponentModel.DataAnnotations;

namespace Ciro.Analytics;

/// <summary>Analytics settings (section <see cref="SectionName"/>), validated at start with messages naming the
/// key. Starknet figures are defaults from 0.14.1 / SNIP-40 and change with protocol versions, which is why they
/// are configuration.</summary>
public sealed class AnalyticsOptions : IValidatableObject
{
    public const string SectionName = "Ciro:Analytics";

    /// <summary>Hard per-block L2 gas limit (Starknet 0.14.1: 6×10^9).</summary>
    public long BlockL2GasLimit { get; set; } = 6_000_000_000;

    /// <summary>Fee-market per-block L2 gas target (SNIP-40: 1.04×10^9).</summary>
    public long BlockL2GasTarget { get; set; } = 1_040_000_000;

    /// <summary>Longest range any KPI request may cover.</summary>
    public int MaxRangeDays { get; set; } = 1830;

    /// <summary>Longest range served from raw rows (bucket=raw, drill-downs, contract usage).</summary>
    public int RawMaxRangeDays { get; set; } = 31;

    /// <summary>Longest range with hourly buckets.</summary>
    public int HourlyMaxRangeDays { get; set; } = 92;

    /// <summary>Workers with fewer finished jobs (completed + failed) in the range are listed but not ranked.</summary>
    public int LeaderboardMinSamples { get; set; } = 5;

    /// <summary>TTL of cached KPI answers; 0 disables the cache. New blocks invalidate sooner.</summary>
    public int CacheSeconds { get; set; } = 300;

    /// <summary>PostgreSQL statement_timeout of every analytics query: a request whose query runs longer is
    /// cancelled by the server and answered 503, so one heavy request cannot hold database time indefinitely.</summary>
    public int StatementTimeoutSeconds { get; set; } = 30;

    /// <summary>Requests to /api one caller may make per <see cref="RateLimitWindowSeconds"/>; the next gets 429 with
    /// Retry-After. A caller is its API key or token identity (for the dashboard's service key, the signed-in user it
    /// names in X-Ciro-User), or its address when anonymous.</summary>
    public int RateLimitRequests { get; set; } = 600;

    /// <summary>The rate limit's fixed window, in seconds.</summary>
    public int RateLimitWindowSeconds { get; set; } = 60;

    /// <summary>Service keys (names in Ciro:Auth:ServiceKeys) whose own requests are not rate limited: the alerts
    /// service reads every rule's series each evaluation and a 429 would be a missed evaluation. A request that
    /// names a signed-in user in X-Ciro-User (the dashboard proxy) is still limited per user. Each name must be a
    /// configured service key (checked at start).</summary>
    public List<string> RateLimitExemptServiceKeys { get; set; } = [];

    /// <summary>How often the gas recommendations are evaluated (src/Ciro.Analytics/Recommendations), in minutes.</summary>
    public int RecommendationIntervalMinutes { get; set; } = 60;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        (string Key, long Value, long Min, long Max)[] ranges =
        [
            (nameof(BlockL2GasLimit), BlockL2GasLimit, 1, long.MaxValue),
            (nameof(BlockL2GasTarget), BlockL2GasTarget, 1, long.MaxValue),
            (nameof(MaxRangeDays), MaxRangeDays, 1, 3660),
            (nameof(RawMaxRangeDays), RawMaxRangeDays, 1, 366),
            (nameof(HourlyMaxRangeDays), HourlyMaxRangeDays, 1, 3660),
            (nameof(LeaderboardMinSamples), LeaderboardMinSamples, 1, 1_000_000),
            (nameof(CacheSeconds), CacheSeconds, 0, 86_400),
            (nameof(StatementTimeoutSeconds), StatementTimeoutSeconds, 1, 3600),
            (nameof(RecommendationIntervalMinutes), RecommendationIntervalMinutes, 1, 10_080),
            (nameof(RateLimitRequests), RateLimitRequests, 1, 1_000_000),
            (nameof(RateLimitWindowSeconds), RateLimitWindowSeconds, 1, 3600),
        ];
        foreach (var (key, value, min, max) in ranges.Where(r => r.Value < r.Min || r.Value > r.Max))
        {
            yield return new ValidationResult($"{SectionName}:{key} = {value} must be between {min} and {max}.", [key]);
        }
        if (BlockL2GasTarget > BlockL2GasLimit)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(BlockL2GasTarget)} = {BlockL2GasTarget} must not exceed {SectionName}:{nameof(BlockL2GasLimit)} = {BlockL2GasLimit}.",
                [nameof(BlockL2GasTarget)]);
        }
    }
}
