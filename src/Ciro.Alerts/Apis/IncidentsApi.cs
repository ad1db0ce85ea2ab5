using System.Security.Claims;
using Ciro.Alerts.Incidents;
using Ciro.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ciro.Alerts.Apis;

public sealed record AckRequest(string? Comment);

public sealed record ResolveRequest(string? Note);

/// <summary>Incidents: viewers read (list, one, timeline, MTTA/MTTR); operators acknowledge and resolve. Every
/// endpoint needs a key or token (no anonymous access, whatever Ciro:Auth:AllowAnonymousViewer says).</summary>
public static class IncidentsApi
{
    public const int MaxCommentLength = 2000;
    private static readonly string[] States = ["open", "firing", "acknowledged", "resolved", "all"];
    private static readonly string[] Severities = ["critical", "warning", "info"];

    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/alerts").WithTags("Alerts");
        api.MapGet("/incidents", ListIncidents).WithName("ListIncidents").RequireRole(Roles.Viewer)
            .WithSummary("Incidents, newest first; filters: state (open|firing|acknowledged|resolved|all), severity, rule, label=key:value (repeatable), from, to, limit");
        api.MapGet("/incidents/stats", GetStats).WithName("GetIncidentStats").RequireRole(Roles.Viewer)
            .WithSummary("MTTA and MTTR over the incidents that started in [from, to) (default: the last 7 days)");
        api.MapGet("/incidents/{id}", GetIncident).WithName("GetIncident").RequireRole(Roles.Viewer);
        api.MapGet("/incidents/{id}/timeline", GetTimeline).WithName("GetIncidentTimeline").RequireRole(Roles.Viewer)
            .WithSummary("Every transition (who, when, comment) and every delivery attempt, oldest first");
        api.MapPost("/incidents/{id}/ack", Acknowledge).WithName("AcknowledgeIncident").RequireRole(Roles.Operator)
            .WithSummary("Acknowledge (stops escalation); body {\"comment\": \"…\"}");
        api.MapPost("/incidents/{id}/resolve", Resolve).WithName("ResolveIncident").RequireRole(Roles.Operator)
            .WithSummary("Resolve; body {\"note\": \"…\"}");
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<Incident>>, ProblemHttpResult>> ListIncidents(
        IncidentStore store, CancellationToken ct, string? state = null, string? severity = null, string? rule = null,
        string[]? label = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 50)
    {
        if (state is not null && !States.Contains(state))
        {
            return TypedResults.Problem(FieldProblem.Invalid("state", state, $"must be one of {string.Join(", ", States)}"));
        }
        if (severity is not null && !Severities.Contains(severity))
        {
            return TypedResults.Problem(FieldProblem.Invalid("severity", severity, $"must be one of {string.Join(", ", Severities)}"));
        }
        if (limit is < 1 or > 500)
        {
            return TypedResults.Problem(FieldProblem.Invalid("limit", limit, "must be between 1 and 500"));
        }
        if (from is not null && to is not null && from >= to)
        {
            return TypedResults.Problem(FieldProblem.Invalid("from", from, $"must be before 'to' ({to:O})"));
        }
        var labels = new Dictionary<string, string>();
        foreach (var pair in label ?? [])
        {
            var parts = pair.Split(':', 2);
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                return TypedResults.Problem(FieldProblem.Invalid("label", pair, "must be key:value"));
            }
            labels[parts[0]] = parts[1];
        }
        var filter = new IncidentFilter(state is null or "all" ? null : state, severity, rule, labels, from, to, limit);
        return TypedResults.Ok(await store.ListAsync(filter, ct));
    }

    public static async Task<Results<Ok<IncidentStats>, ProblemHttpResult>> GetStats(IncidentStore store, TimeProvider time, CancellationToken ct,
        DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-7);
        if (start >= end)
        {
            return TypedResults.Problem(FieldProblem.Invalid("from", start, $"must be before 'to' ({end:O})"));
        }
        return TypedResults.Ok(await store.StatsAsync(start, end, ct));
    }

    public static async Task<Results<Ok<Incident>, ProblemHttpResult>> GetIncident(string id, IncidentStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var incidentId))
        {
            return TypedResults.Problem(FieldProblem.Invalid("id", id, "is not an incident id (a UUID)"));
        }
        return await store.GetAsync(incidentId, ct) is { } incident ? TypedResults.Ok(incident) : NotFound(incidentId);
    }

    public static async Task<Results<Ok<IReadOnlyList<TimelineEntry>>, ProblemHttpResult>> GetTimeline(string id, IncidentStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var incidentId))
        {
            return TypedResults.Problem(FieldProblem.Invalid("id", id, "is not an incident id (a UUID)"));
        }
        if (await store.GetAsync(incidentId, ct) is null)
        {
            return NotFound(incidentId);
        }
        return TypedResults.Ok(await store.TimelineAsync(incidentId, ct));
    }

    public static async Task<Results<Ok<Incident>, ProblemHttpResult>> Acknowledge(string id, AckRequest? request, ClaimsPrincipal user,
        HttpRequest http, IncidentStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var incidentId))
        {
            return TypedResults.Problem(FieldProblem.Invalid("id", id, "is not an incident id (a UUID)"));
        }
        if (request?.Comment is { Length: > MaxCommentLength } comment)
        {
            return TypedResults.Problem(FieldProblem.Invalid("comment", comment, $"is longer than {MaxCommentLength} characters"));
        }
        return Outcome(await store.AcknowledgeAsync(incidentId, Actors.Of(user, http), request?.Comment, ct));
    }

    public static async Task<Results<Ok<Incident>, ProblemHttpResult>> Resolve(string id, ResolveRequest? request, ClaimsPrincipal user,
        HttpRequest http, IncidentStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var incidentId))
        {
            return TypedResults.Problem(FieldProblem.Invalid("id", id, "is not an incident id (a UUID)"));
        }
        if (request?.Note is { Length: > MaxCommentLength } note)
        {
            return TypedResults.Problem(FieldProblem.Invalid("note", note, $"is longer than {MaxCommentLength} characters"));
        }
        return Outcome(await store.ResolveAsync(incidentId, Actors.Of(user, http), request?.Note, ct));
    }

    private static Results<Ok<Incident>, ProblemHttpResult> Outcome(TransitionResult result) => result switch
    {
        TransitionResult.Done done => TypedResults.Ok(done.Incident),
        TransitionResult.Conflict conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not possible in the incident's state",
            detail: conflict.Reason),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such incident"),
    };

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such incident", detail: $"No incident has id '{id}'.");
}
