using Ciro.Auth;
using Ciro.Analytics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Apis;

public static class BlocksApi
{
    public static IEndpointRouteBuilder MapBlocksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/blocks").WithTags("Blocks").RequireRole(Roles.Viewer);
        api.MapGet("/latest", GetLatest).WithName("GetLatestBlockSummary").WithSummary("Summary of the newest indexed block");
        api.MapGet("/{number}/summary", GetSummary).WithName("GetBlockSummary").WithSummary("Transactions, reverts, events, fees by unit and gas of one block");
        return app;
    }

    public static async Task<Results<Ok<BlockSummary>, NotFound<ProblemDetails>>> GetLatest(AnalyticsQueries queries, CancellationToken ct)
    {
        var summary = await queries.GetBlockSummaryAsync(null, ct);
        return summary is null ? TypedResults.NotFound(ApiProblems.NoBlocksYet()) : TypedResults.Ok(summary);
    }

    public static async Task<Results<Ok<BlockSummary>, NotFound<ProblemDetails>, BadRequest<ProblemDetails>>> GetSummary(
        string number, AnalyticsQueries queries, CancellationToken ct)
    {
        if (!long.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var blockNumber))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("number", number, "must be a non-negative block number"));
        }
        var summary = await queries.GetBlockSummaryAsync(blockNumber, ct);
        return summary is null
            ? TypedResults.NotFound(new ProblemDetails { Title = "Block not indexed", Detail = $"Block {blockNumber} is not in the index.", Status = 404 })
            : TypedResults.Ok(summary);
    }
}
