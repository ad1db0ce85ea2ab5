using Ciro.Auth;
using Ciro.Analytics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Apis;

/// <summary>KPI tables. Every endpoint takes the filters of <see cref="KpiParameters"/>, pages, and answers JSON or CSV.</summary>
public static class KpiApi
{
    public static IEndpointRouteBuilder MapKpiApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/kpi").WithTags("KPIs").RequireRole(Roles.Viewer);
        api.MapGet("/gas", GetGas).WithName("GetGasByFunction").WithAggregateRows<GasRow>()
            .WithSummary("Gas and fees per contract function and call shape per bucket, with percentiles and share of total; bucket=raw lists transactions");
        api.MapGet("/network", GetNetwork).WithName("GetNetworkHealth").WithAggregateRows<NetworkRow>()
            .WithSummary("TPS, events/s, block time, block utilisation vs limit and target, mean gas prices, reverted share; bucket=raw lists blocks");
        api.MapGet("/timing/inclusion", GetInclusion).WithName("GetBlockInclusionIntervals")
            .WithSummary("Intervals between consecutive blocks: count, mean, p50/p95/p99 seconds");
        api.MapGet("/timing/jobs", GetJobTimings).WithName("GetJobLifecycleTimings").WithAggregateRows<JobStageRow>()
            .WithSummary("CIRO job lifecycle stage durations joined on job_id; bucket=raw lists jobs with each event's time");
        api.MapGet("/workers", GetWorkers).WithName("GetWorkerPerformance").WithAggregateRows<WorkerRow>()
            .WithSummary("Per worker per bucket: assigned, completed, failed, success rate, completion time percentiles, paid");
        api.MapGet("/workers/leaderboard", GetLeaderboard).WithName("GetWorkerLeaderboard")
            .WithSummary("Workers over the range ranked by success rate then completed jobs, ties sharing a rank, with a minimum-sample rule and stake");
        api.MapGet("/usage", GetUsage).WithName("GetContractUsage")
            .WithSummary("Calls, transactions, unique, new and returning callers per contract function per bucket (hour, day, week), or over the whole range when no bucket is given (raw)");
        api.MapGet("/usage/hours", GetBusiestHours).WithName("GetBusiestHours")
            .WithSummary("Transactions per UTC hour of day over the range, busiest first");
        return app;
    }

    public static Task<Results<Ok<TablePage<GasRow>>, Ok<TablePage<GasTxRow>>, ContentHttpResult, BadRequest<ProblemDetails>>> GetGas(
        [AsParameters] KpiParameters p, [AsParameters] KpiServices s, CancellationToken ct) =>
        KpiEndpoint.RunWithRawAsync("gas", p, s, GasKpis.Metrics, r => s.Gas.GetAsync(r, ct), r => s.Gas.GetTransactionsAsync(r, ct), ct);

    public static Task<Results<Ok<TablePage<NetworkRow>>, Ok<TablePage<BlockRow>>, ContentHttpResult, BadRequest<ProblemDetails>>> GetNetwork(
        [AsParameters] KpiParameters p, [AsParameters] KpiServices s, CancellationToken ct) =>
        KpiEndpoint.RunWithRawAsync("network", p, s, [], r => s.Network.GetAsync(r, ct), r => s.Network.GetBlocksAsync(r, ct), ct);

    public static Task<Results<Ok<TablePage<InclusionRow>>, ContentHttpResult, BadRequest<ProblemDetails>>> GetInclusion(
        [AsParameters] KpiParameters p, [AsParameters] KpiServices s, CancellationToken ct) =>
        KpiEndpoint.RunAsync("inclusion", p, s, [], null, r => s.Network.GetInclusionAsync(r, ct), ct);

    public static Task<Results<Ok<TablePage<JobStageRow>>, Ok<TablePage<JobRow>>, ContentHttpResult, BadRequest<ProblemDetails>>> GetJobTimings(
        [AsParameters] KpiParameters p, [AsParameters] KpiServices s, CancellationToken ct) =>
        KpiEndpoint.RunWithRawAsync("jobs", p, s, [], r => s.Jobs.GetStagesAsync(r, ct), r => s.Jobs.GetJobsAsync(r, ct), ct);

    public static Task<Results<Ok<TablePage<WorkerRow>>, Ok<TablePage<JobRow>>, ContentHttpResult, BadRequest<ProblemDetails>>> GetWorkers(
        [AsParameters] KpiParameters p, [AsParameters] KpiServices s, CancellationToken ct) =>
        KpiEndpoint.RunWithRawAsync("workers", p, s, [], r => s.Workers.GetAsync(r, ct), r => s.Jobs.GetJobsAsync(r, ct), ct);

    public static Task<Results<Ok<TablePage<LeaderboardRow>>, ContentHttpResult, BadRequest<ProblemDetails>>> GetLeaderboard(
        [AsParameters] KpiParameters p, [AsParameters] KpiServices s, CancellationToken ct) =>
        KpiEndpoint.RunAsync("leaderboard", p, s, [], null, r => s.Workers.GetLeaderboardAsync(r, ct), ct);

    public static Task<Results<Ok<TablePage<UsageRow>>, ContentHttpResult, BadRequest<ProblemDetails>>> GetUsage(
        [AsParameters] KpiParameters p, [AsParameters] KpiServices s, CancellationToken ct) =>
        KpiEndpoint.RunAsync("usage", p, s, [], r => r.To - r.From > TimeSpan.FromDays(s.Options.Value.RawMaxRangeDays)
                ? ApiProblems.InvalidField("from", p.From, $"usage counts distinct callers over at most {s.Options.Value.RawMaxRangeDays} days")
                : null,
            r => s.Usage.GetAsync(r, ct), ct,
            // Without an explicit bucket the answer stays one row per function over the range (what callers
            // of the first version got); hour, day or week give one row per function per bucket.
            r => p.Bucket is null || p.Bucket.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? r with { Bucket = UsageKpis.WholeRange } : r);

    public static Task<Results<Ok<TablePage<BusyHourRow>>, ContentHttpResult, BadRequest<ProblemDetails>>> GetBusiestHours(
        [AsParameters] KpiParameters p, [AsParameters] KpiServices s, CancellationToken ct) =>
        KpiEndpoint.RunAsync("hours", p, s, [], r => r.To - r.From > TimeSpan.FromDays(s.Options.Value.HourlyMaxRangeDays)
                ? ApiProblems.InvalidField("from", p.From, $"busiest hours read hourly rollups over at most {s.Options.Value.HourlyMaxRangeDays} days")
                : null,
            r => s.Usage.GetBusiestHoursAsync(r, ct), ct);
}
