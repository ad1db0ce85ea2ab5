using Ciro.Alerts.Incidents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ciro.Alerts.Apis;

public static class IncidentsApi
{
    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/alerts").WithTags("Alerts");
        api.MapGet("/incidents", ListIncidents).WithName("ListIncidents").WithSummary("Incidents, newest first; state=open|resolved filters");
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<Incident>>, ProblemHttpResult>> ListIncidents(
        IncidentStore store, CancellationToken ct, string? state = null, int limit = 50)
    {
        string? dbState = state switch
        {
            null or "" or "all" => null,
            "open" or "firing" => "firing",
            "resolved" => "resolved",
            _ => "?",
        };
        if (dbState == "?")
        {
            return TypedResults.Problem(FieldProblem.Invalid("state", state, "must be open, resolved or all"));
        }
        if (limit is < 1 or > 500)
        {
            return TypedResults.Problem(FieldProblem.Invalid("limit", limit, "must be between 1 and 500"));
        }
        return TypedResults.Ok(await store.ListAsync(dbState, limit, ct));
    }
}
