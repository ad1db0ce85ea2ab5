using System.ComponentModel.DataAnnotations;

namespace Ciro.Analytics;

/// <summary>Analytics settings (section Ciro:Analytics), validated at start. Starknet figures are defaults
/// from 0.14.1 / SNIP-40 and change with protocol versions, which is why they are configuration.</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Ciro:Analytics";

    /// <summary>Hard per-block L2 gas limit (Starknet 0.14.1: 6×10^9).</summary>
    [Range(1, long.MaxValue)]
    public long BlockL2GasLimit { get; set; } = 6_000_000_000;

    /// <summary>Fee-market per-block L2 gas target (SNIP-40: 1.04×10^9).</summary>
    [Range(1, long.MaxValue)]
    public long BlockL2GasTarget { get; set; } = 1_040_000_000;

    /// <summary>Longest range any KPI request may cover.</summary>
    [Range(1, 3660)]
    public int MaxRangeDays { get; set; } = 1830;

    /// <summary>Longest range served from raw rows (bucket=raw, drill-downs, contract usage).</summary>
    [Range(1, 366)]
    public int RawMaxRangeDays { get; set; } = 31;

    /// <summary>Longest range with hourly buckets.</summary>
    [Range(1, 3660)]
    public int HourlyMaxRangeDays { get; set; } = 92;

    /// <summary>Workers with fewer finished jobs (completed + failed) in the range are listed but not ranked.</summary>
    [Range(1, 1_000_000)]
    public int LeaderboardMinSamples { get; set; } = 5;

    /// <summary>TTL of cached KPI answers; 0 disables the cache. New blocks invalidate sooner.</summary>
    [Range(0, 86_400)]
    public int CacheSeconds { get; set; } = 300;
}
