using Ciro.Auth;
using Ciro.Analytics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Anomalies;

public static class AnomalyApi
{
    public static readonly string[] Metrics = ["tx_count", "l2_gas", "events", "reverted_share", "block_time"];

    public static IEndpointRouteBuilder MapAnomalyApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("api/kpi").WithTags("KPIs").RequireRole(Roles.Viewer)
            .MapGet("/anomalies", GetAnomalies).WithName("GetAnomalies")
            .WithSummary("Hourly anomaly scores in [0, 1] for a network series (or one contract function's tx_count/l2_gas), with the expected range and an explanation");
        return app;
    }

    public static async Task<Results<Ok<TablePage<AnomalyRow>>, ContentHttpResult, BadRequest<ProblemDetails>>> GetAnomalies(
        [AsParameters] Apis.KpiParameters p, [AsParameters] Apis.KpiServices s, AnomalyKpis anomalies, CancellationToken ct)
    {
        return await Apis.KpiEndpoint.RunAsync("anomalies", p, s, Metrics, r =>
                r.To - r.From > TimeSpan.FromDays(s.Options.Value.HourlyMaxRangeDays)
                    ? Apis.ApiProblems.InvalidField("from", p.From, $"anomalies are scored hourly over at most {s.Options.Value.HourlyMaxRangeDays} days")
                    : (r.Contract is not null || r.FunctionName is not null || r.Selector is not null) && r.Metric is not ("tx_count" or "l2_gas")
                        ? Apis.ApiProblems.InvalidField("metric", p.Metric, "per-function anomalies support tx_count and l2_gas")
                        : null,
            r => anomalies.GetAsync(r, ct), ct);
    }
}
