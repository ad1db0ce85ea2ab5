using Ciro.Auth;
using Ciro.Analytics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ciro.Analytics.Apis;

public static class PipelineApi
{
    public static IEndpointRouteBuilder MapPipelineApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/pipeline").WithTags("Pipeline").RequireRole(Roles.Viewer);
        api.MapGet("/status", GetStatus).WithName("GetPipelineStatus")
            .WithSummary("The indexer's state (indexing, or halted with the reason and since when) and the newest block's age");
        return app;
    }

    public static async Task<Ok<PipelineStatus>> GetStatus(PipelineStatusQuery query, CancellationToken ct) =>
        TypedResults.Ok(await query.GetAsync(ct));
}
