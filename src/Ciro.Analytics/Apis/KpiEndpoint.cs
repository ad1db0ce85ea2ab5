using Ciro.Analytics.Caching;
using Ciro.Analytics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Ciro.Analytics.Apis;

/// <summary>Everything a KPI handler needs, bound as one parameter.</summary>
public sealed class KpiServices
{
    public required AnalyticsQueries Queries { get; init; }
    public required GasKpis Gas { get; init; }
    public required NetworkKpis Network { get; init; }
    public required JobKpis Jobs { get; init; }
    public required WorkerKpis Workers { get; init; }
    public required UsageKpis Usage { get; init; }
    public required QueryCache Cache { get; init; }
    public required IOptions<AnalyticsOptions> Options { get; init; }
}

/// <summary>The common path of every table endpoint: validate filters, answer from cache or query, render JSON or CSV.</summary>
public static class KpiEndpoint
{
    public static async Task<Results<Ok<TablePage<T>>, ContentHttpResult, BadRequest<ProblemDetails>>> RunAsync<T>(
        string kind, KpiParameters parameters, KpiServices services, string[] metrics, Func<KpiRequest, ProblemDetails?>? check,
        Func<KpiRequest, Task<TablePage<T>>> query, CancellationToken ct, Func<KpiRequest, KpiRequest>? adjust = null)
    {
        var (problem, request) = await ParseAsync(parameters, services, metrics, rawAllowed: false, ct);
        problem ??= check?.Invoke(request);
        // Adjusted before the cache lookup, so the cache identity describes the query actually run.
        request = problem is null && adjust is not null ? adjust(request) : request;
        if (problem is not null)
        {
            return TypedResults.BadRequest(problem);
        }
        var page = await services.Cache.GetOrCreateAsync(kind, request.CacheIdentity, () => query(request));
        return request.Csv ? TypedResults.Text(Queries.Csv.Write(page.Items), "text/csv") : TypedResults.Ok(page);
    }

    /// <summary>For endpoints where bucket=raw returns the underlying records (a different row type).</summary>
    public static async Task<Results<Ok<TablePage<TAgg>>, Ok<TablePage<TRaw>>, ContentHttpResult, BadRequest<ProblemDetails>>> RunWithRawAsync<TAgg, TRaw>(
        string kind, KpiParameters parameters, KpiServices services, string[] metrics,
        Func<KpiRequest, Task<TablePage<TAgg>>> aggregate, Func<KpiRequest, Task<TablePage<TRaw>>> raw, CancellationToken ct)
    {
        var (problem, request) = await ParseAsync(parameters, services, metrics, rawAllowed: true, ct);
        if (problem is not null)
        {
            return TypedResults.BadRequest(problem);
        }
        if (request.Bucket == "raw")
        {
            var rows = await services.Cache.GetOrCreateAsync(kind + ":raw", request.CacheIdentity, () => raw(request));
            return request.Csv ? TypedResults.Text(Queries.Csv.Write(rows.Items), "text/csv") : TypedResults.Ok(rows);
        }
        var page = await services.Cache.GetOrCreateAsync(kind, request.CacheIdentity, () => aggregate(request));
        return request.Csv ? TypedResults.Text(Queries.Csv.Write(page.Items), "text/csv") : TypedResults.Ok(page);
    }

    private static async Task<(ProblemDetails? Problem, KpiRequest Request)> ParseAsync(
        KpiParameters parameters, KpiServices services, string[] metrics, bool rawAllowed, CancellationToken ct)
    {
        var head = await services.Queries.GetHeadTimeAsync(ct);
        var problem = KpiParser.TryParse(parameters, head, services.Options.Value, metrics, rawAllowed, out var request);
        return (problem, request);
    }
}
