using Ciro.Auth;
using Ciro.Analytics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Apis;

public static class ActivityApi
{
    public const int MaxMinutes = 24 * 60;

    public static IEndpointRouteBuilder MapActivityApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/activity").WithTags("Activity").RequireRole(Roles.Viewer);
        api.MapGet("/jobs", GetJobsActivity)
            .WithName("GetJobsActivity")
            .WithSummary("CIRO jobs submitted, allocated, assigned, completed and failed per minute, up to the newest indexed block");
        return app;
    }

    public static async Task<Results<Ok<JobsActivity>, NotFound<ProblemDetails>, BadRequest<ProblemDetails>>> GetJobsActivity(
        AnalyticsQueries queries, CancellationToken ct, int minutes = 30)
    {
        if (minutes is < 1 or > MaxMinutes)
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("minutes", minutes, $"must be between 1 and {MaxMinutes}"));
        }
        var activity = await queries.GetJobsActivityAsync(minutes, ct);
        return activity is null
            ? TypedResults.NotFound(ApiProblems.NoBlocksYet())
            : TypedResults.Ok(activity);
    }
}
