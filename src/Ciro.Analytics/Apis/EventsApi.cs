using System.Text.RegularExpressions;
using Ciro.Auth;
using Ciro.Analytics.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Apis;

public static partial class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/events").WithTags("Events").RequireRole(Roles.Viewer);
        api.MapGet("/last", GetLast).WithName("GetLastEvent").WithSummary("The newest event with a given name, and the chain head");
        return app;
    }

    public static async Task<Results<Ok<LastEvent>, NotFound<ProblemDetails>, BadRequest<ProblemDetails>>> GetLast(
        string? name, AnalyticsQueries queries, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || !EventName().IsMatch(name))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("name", name, "must be an event name (letters, digits, '_' and '::', at most 200 characters)"));
        }
        var last = await queries.GetLastEventAsync(name, ct);
        return last is null ? TypedResults.NotFound(ApiProblems.NoBlocksYet()) : TypedResults.Ok(last);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_:]{0,199}$")]
    private static partial Regex EventName();
}
