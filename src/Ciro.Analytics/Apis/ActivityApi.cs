using Ciro.Auth;
using Ciro.Analytics.Caching;
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
        AnalyticsQueries queries, QueryCache cache, CancellationToken ct, int minutes = 30)
    {
        if (minutes is < 1 or > MaxMinutes)
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("minutes", minutes, $"must be between 1 and {MaxMinutes}"));
        }
        // The window is whole minutes (JobsActivity): those starting after head − minutes, up to the head's minute.
        // Through the query cache (and its coalescing): the relay invalidates it before it publishes a block, so the
        // web's per-block refresh computes the window once and every dashboard asking until the next block shares that
        // answer. At Starknet's peak rate the 30-minute window is ~600k transactions and ~30k jobs events: computed
        // per request it was the soak's slowest call (bench/run soak, p95 1.0 s).
        var activity = await cache.GetOrCreateAsync("activity:jobs", new { minutes }, () => queries.GetJobsActivityAsync(minutes, ct));
        return activity is null
            ? TypedResults.NotFound(ApiProblems.NoBlocksYet())
            : TypedResults.Ok(activity);
    }
}
