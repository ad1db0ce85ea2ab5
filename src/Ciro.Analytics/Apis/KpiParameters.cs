using System.Globalization;
using System.Text.RegularExpressions;
using Ciro.Analytics.Queries;
using Ciro.Starknet;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Apis;

/// <summary>Query-string filters shared by every KPI table endpoint. Bound as strings on purpose: a typed
/// binder answers "abc" for an int with a 400 that does not name the field; parsing here always does.</summary>
public sealed class KpiParameters
{
    /// <summary>Start of the range (ISO 8601 or unix seconds), inclusive. Default: 24 h before `to`.</summary>
    [FromQuery] public string? From { get; init; }
    /// <summary>End of the range, exclusive. Default: just after the newest indexed block.</summary>
    [FromQuery] public string? To { get; init; }
    /// <summary>raw | hour | day | week | auto (default): hour up to 2 days, day up to 92 days, else week.</summary>
    [FromQuery] public string? Bucket { get; init; }
    /// <summary>Contract address, 0x-prefixed hex.</summary>
    [FromQuery] public string? Contract { get; init; }
    /// <summary>Function name (e.g. submit_job_result) or 0x-prefixed selector.</summary>
    [FromQuery] public string? Function { get; init; }
    /// <summary>Worker account address, 0x-prefixed hex.</summary>
    [FromQuery] public string? Worker { get; init; }
    /// <summary>Which value the percentiles describe (endpoint-specific list).</summary>
    [FromQuery] public string? Metric { get; init; }
    [FromQuery] public string? Page { get; init; }
    [FromQuery] public string? PageSize { get; init; }
    /// <summary>json (default) or csv; an Accept: text/csv header also selects CSV.</summary>
    [FromQuery] public string? Format { get; init; }
    [FromHeader(Name = "Accept")] public string? Accept { get; init; }
}

public static partial class KpiParser
{
    public const int MaxPageSize = 1000;

    /// <summary>Validates every field against the endpoint's rules; the first bad field is named in the problem.</summary>
    public static ProblemDetails? TryParse(KpiParameters p, DateTimeOffset? head, AnalyticsOptions options, string[] metrics,
        bool rawAllowed, out KpiRequest request)
    {
        request = null!;
        var headEnd = head?.AddSeconds(1) ?? DateTimeOffset.UtcNow;
        if (!TryTime(p.To, out var to, headEnd))
        {
            return ApiProblems.InvalidField("to", p.To, "must be an ISO 8601 time or unix seconds");
        }
        if (!TryTime(p.From, out var from, to.AddDays(-1)))
        {
            return ApiProblems.InvalidField("from", p.From, "must be an ISO 8601 time or unix seconds");
        }
        if (from >= to)
        {
            return ApiProblems.InvalidField("from", p.From, $"must be before 'to' ({to:O})");
        }
        var range = to - from;
        if (range > TimeSpan.FromDays(options.MaxRangeDays))
        {
            return ApiProblems.InvalidField("from", p.From, $"gives a range of {range.TotalDays:F0} days; at most {options.MaxRangeDays} days are allowed");
        }
        var bucket = (p.Bucket ?? "auto").Trim().ToLowerInvariant();
        if (bucket == "auto")
        {
            bucket = range <= TimeSpan.FromDays(2) ? "hour" : range <= TimeSpan.FromDays(92) ? "day" : "week";
        }
        if (bucket is not ("raw" or "hour" or "day" or "week"))
        {
            return ApiProblems.InvalidField("bucket", p.Bucket, "must be one of raw, hour, day, week, auto");
        }
        if (bucket == "raw" && !rawAllowed)
        {
            return ApiProblems.InvalidField("bucket", p.Bucket, "raw is not available on this endpoint");
        }
        if (bucket == "raw" && range > TimeSpan.FromDays(options.RawMaxRangeDays))
        {
            return ApiProblems.InvalidField("bucket", p.Bucket, $"raw covers at most {options.RawMaxRangeDays} days; use hour, day or week");
        }
        if (bucket == "hour" && range > TimeSpan.FromDays(options.HourlyMaxRangeDays))
        {
            return ApiProblems.InvalidField("bucket", p.Bucket, $"hour covers at most {options.HourlyMaxRangeDays} days; use day or week");
        }
        Felt? contract = null, worker = null, selector = null;
        string? functionName = null;
        if (p.Contract is not null && !TryAddress(p.Contract, out contract))
        {
            return ApiProblems.InvalidField("contract", p.Contract, "must be a 0x-prefixed hex address of at most 64 digits");
        }
        if (p.Worker is not null && !TryAddress(p.Worker, out worker))
        {
            return ApiProblems.InvalidField("worker", p.Worker, "must be a 0x-prefixed hex address of at most 64 digits");
        }
        if (p.Function is not null)
        {
            if (p.Function.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                if (!TryAddress(p.Function, out selector))
                {
                    return ApiProblems.InvalidField("function", p.Function, "must be a function name or a 0x-prefixed selector");
                }
            }
            else if (FunctionName().IsMatch(p.Function))
            {
                functionName = p.Function;
            }
            else
            {
                return ApiProblems.InvalidField("function", p.Function, "must be a function name (letters, digits, '_') or a 0x-prefixed selector");
            }
        }
        var metric = p.Metric?.Trim().ToLowerInvariant();
        if (metric is not null && !metrics.Contains(metric))
        {
            return ApiProblems.InvalidField("metric", p.Metric, metrics.Length == 0
                ? "is not supported on this endpoint"
                : $"must be one of {string.Join(", ", metrics)}");
        }
        var page = 1;
        if (p.Page is not null && (!int.TryParse(p.Page, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1 || page > 1_000_000))
        {
            return ApiProblems.InvalidField("page", p.Page, "must be a whole number from 1 to 1000000");
        }
        var pageSize = 100;
        if (p.PageSize is not null && (!int.TryParse(p.PageSize, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > MaxPageSize))
        {
            return ApiProblems.InvalidField("pageSize", p.PageSize, $"must be a whole number from 1 to {MaxPageSize}");
        }
        var format = p.Format?.Trim().ToLowerInvariant();
        if (format is not (null or "json" or "csv"))
        {
            return ApiProblems.InvalidField("format", p.Format, "must be json or csv");
        }
        var csv = format == "csv" || (format is null && p.Accept is not null && p.Accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase));
        request = new KpiRequest(from, to, bucket, contract, functionName, selector, worker, metric ?? metrics.FirstOrDefault(), page, pageSize, csv);
        return null;
    }

    /// <summary>An address or selector: 0x hex of at most 64 digits (Felt also takes decimal, which the API does
    /// not) whose value is a felt — 64 hex digits can spell numbers above the field prime, which are not addresses.</summary>
    public static bool TryAddress(string text, out Felt? felt)
    {
        felt = null;
        if (!Address().IsMatch(text) || !Felt.TryParse(text, out var value))
        {
            return false;
        }
        felt = value;
        return true;
    }

    private static bool TryTime(string? text, out DateTimeOffset value, DateTimeOffset fallback)
    {
        value = fallback;
        if (text is null)
        {
            return true;
        }
        if (text.Length is > 0 and <= 11 && text.All(char.IsAsciiDigit))
        {
            value = DateTimeOffset.FromUnixTimeSeconds(long.Parse(text, CultureInfo.InvariantCulture));
            return true;
        }
        return text.Length <= 40 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value) && value.Year is >= 2015 and <= 2200;
    }

    [GeneratedRegex("^0[xX][0-9a-fA-F]{1,64}$")]
    private static partial Regex Address();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,99}$")]
    private static partial Regex FunctionName();
}
