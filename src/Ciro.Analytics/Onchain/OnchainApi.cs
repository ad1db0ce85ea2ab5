using System.Globalization;
using Ciro.Analytics.Apis;
using Ciro.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Onchain;

/// <summary>On-chain metrics (the performance monitor's events) beside the same metric computed off-chain.</summary>
public static class OnchainApi
{
    /// <summary>A range is at most this long (the hourly rollup holds its whole hours; the limit predates it and stays the
    /// endpoints' contract).</summary>
    public const int MaxRangeDays = 31;

    public static IEndpointRouteBuilder MapOnchainApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/kpi/onchain").WithTags("On-chain monitor").RequireRole(Roles.Viewer);
        api.MapGet("/calls", GetCalls).WithName("GetOnchainCallFrequency")
            .WithSummary("Calls per instrumented function per hour: the monitor's sampled estimate with its 95% interval, its flushed hourly counter, the off-chain count of every transaction, and the difference");
        api.MapGet("/workers", GetWorkers).WithName("GetOnchainWorkerSamples")
            .WithSummary("Per worker: assigned, completed and failed jobs estimated from JobSampled (stage 2 = failed) vs counted off-chain, and the last pushed worker sample");
        api.MapGet("/jobs", GetJobs).WithName("GetOnchainJobTimings")
            .WithSummary("Assignment-to-completion time: the mean of sampled JobSampled durations with its interval vs the mean over every job");
        return app;
    }

    /// <summary>The error target of the calls report's suggested sample rate when the caller names none: ±10 %.</summary>
    public const double DefaultTargetError = 0.10;

    /// <param name="targetError">Relative error (0 &lt; e &lt; 1, e.g. 0.05 for ±5 %) each row's RateForTarget keeps; 0.1 when absent.</param>
    public static async Task<Results<Ok<CallsReport>, BadRequest<ProblemDetails>>> GetCalls(string? from, string? to, string? targetError, OnchainKpis kpis, TimeProvider clock, CancellationToken ct)
    {
        if (Range(from, to, clock, out var range) is { } problem)
        {
            return TypedResults.BadRequest(problem);
        }
        var target = DefaultTargetError;
        if (targetError is not null
            && (!double.TryParse(targetError, NumberStyles.Float, CultureInfo.InvariantCulture, out target) || !(target > 0 && target < 1)))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("targetError", targetError, "must be a fraction between 0 and 1, e.g. 0.05 for ±5 %"));
        }
        return TypedResults.Ok(await kpis.GetCallsAsync(range.From, range.To, target, ct));
    }

    public static async Task<Results<Ok<WorkersReport>, BadRequest<ProblemDetails>>> GetWorkers(string? from, string? to, OnchainKpis kpis, TimeProvider clock, CancellationToken ct) =>
        Range(from, to, clock, out var range) is { } problem ? TypedResults.BadRequest(problem) : TypedResults.Ok(await kpis.GetWorkersAsync(range.From, range.To, ct));

    public static async Task<Results<Ok<JobTimingReport>, BadRequest<ProblemDetails>>> GetJobs(string? from, string? to, OnchainKpis kpis, TimeProvider clock, CancellationToken ct) =>
        Range(from, to, clock, out var range) is { } problem ? TypedResults.BadRequest(problem) : TypedResults.Ok(await kpis.GetJobTimingsAsync(range.From, range.To, ct));

    /// <summary>from/to are ISO-8601 instants; to defaults to now, from to 24 hours before to.</summary>
    private static ProblemDetails? Range(string? from, string? to, TimeProvider clock, out (DateTimeOffset From, DateTimeOffset To) range)
    {
        range = default;
        var end = clock.GetUtcNow();
        if (to is not null && !DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out end))
        {
            return ApiProblems.InvalidField("to", to, "must be an ISO-8601 time, e.g. 2026-03-02T10:00:00Z");
        }
        var start = end.AddDays(-1);
        if (from is not null && !DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start))
        {
            return ApiProblems.InvalidField("from", from, "must be an ISO-8601 time, e.g. 2026-03-02T10:00:00Z");
        }
        if (start >= end)
        {
            return ApiProblems.InvalidField("from", from, $"must be before to ({end:O})");
        }
        if (end - start > TimeSpan.FromDays(MaxRangeDays))
        {
            return ApiProblems.InvalidField("from", from, $"the range may span at most {MaxRangeDays} days");
        }
        range = (start.ToUniversalTime(), end.ToUniversalTime());
        return null;
    }
}
