using System.Security.Claims;
using Ciro.Alerts.Incidents;
using Ciro.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ciro.Alerts.Apis;

/// <summary>Body of POST/PUT /api/alerts/silences: matchers (all must match), the window (startsAt defaults to
/// now) and why. The author is whoever calls.</summary>
public sealed record SilenceRequest(IReadOnlyList<LabelMatcher>? Matchers, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Comment);

/// <summary>Silences: viewers list them; operators create, change and end them.</summary>
public static class SilencesApi
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(90);

    public static IEndpointRouteBuilder MapSilencesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/alerts/silences").WithTags("Alerts");
        api.MapGet("/", List).WithName("ListSilences").RequireRole(Roles.Viewer).WithSummary("Pending and active silences; expired=true adds ended ones");
        api.MapGet("/{id}", Get).WithName("GetSilence").RequireRole(Roles.Viewer);
        api.MapPost("/", Create).WithName("CreateSilence").RequireRole(Roles.Operator);
        api.MapPut("/{id}", Update).WithName("UpdateSilence").RequireRole(Roles.Operator);
        api.MapDelete("/{id}", End).WithName("EndSilence").RequireRole(Roles.Operator).WithSummary("Ends the silence now (kept for the record)");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<Silence>>> List(SilenceStore store, CancellationToken ct, bool expired = false) =>
        TypedResults.Ok(await store.ListAsync(expired, ct));

    public static async Task<Results<Ok<Silence>, ProblemHttpResult>> Get(string id, SilenceStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var silenceId))
        {
            return TypedResults.Problem(FieldProblem.Invalid("id", id, "is not a silence id (a UUID)"));
        }
        return await store.GetAsync(silenceId, ct) is { } silence ? TypedResults.Ok(silence) : NotFound(silenceId);
    }

    public static async Task<Results<Created<Silence>, ProblemHttpResult>> Create(SilenceRequest request, ClaimsPrincipal user, HttpRequest http,
        SilenceStore store, TimeProvider time, CancellationToken ct)
    {
        if (Validate(request, time.GetUtcNow()) is { } problem)
        {
            return TypedResults.Problem(problem);
        }
        var silence = await store.CreateAsync(Normalized(request.Matchers!), request.StartsAt ?? time.GetUtcNow(), request.EndsAt!.Value, Actors.Of(user, http),
            request.Comment!, ct);
        return TypedResults.Created($"/api/alerts/silences/{silence.Id}", silence);
    }

    public static async Task<Results<Ok<Silence>, ProblemHttpResult>> Update(string id, SilenceRequest request, ClaimsPrincipal user, HttpRequest http,
        SilenceStore store, TimeProvider time, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var silenceId))
        {
            return TypedResults.Problem(FieldProblem.Invalid("id", id, "is not a silence id (a UUID)"));
        }
        if (Validate(request, time.GetUtcNow()) is { } problem)
        {
            return TypedResults.Problem(problem);
        }
        var updated = await store.UpdateAsync(silenceId, Normalized(request.Matchers!), request.StartsAt ?? time.GetUtcNow(), request.EndsAt!.Value,
            Actors.Of(user, http), request.Comment!, ct);
        return updated is null ? NotFound(silenceId) : TypedResults.Ok(updated);
    }

    public static async Task<Results<Ok<Silence>, ProblemHttpResult>> End(string id, ClaimsPrincipal user, HttpRequest http, SilenceStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var silenceId))
        {
            return TypedResults.Problem(FieldProblem.Invalid("id", id, "is not a silence id (a UUID)"));
        }
        return await store.ExpireAsync(silenceId, Actors.Of(user, http), ct) is { } ended ? TypedResults.Ok(ended) : NotFound(silenceId);
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails? Validate(SilenceRequest request, DateTimeOffset now)
    {
        if (request.Matchers is not { Count: > 0 } matchers)
        {
            return FieldProblem.Invalid("matchers", null, "must list at least one matcher {name, value, op}");
        }
        if (matchers.Count > 16)
        {
            return FieldProblem.Invalid("matchers", matchers.Count, "must list at most 16 matchers");
        }
        foreach (var (matcher, i) in matchers.Select((m, i) => (m, i)))
        {
            if (matcher is null)
            {
                return FieldProblem.Invalid($"matchers[{i}]", null, "must be {name, value, op}");
            }
            if ((matcher with { Op = matcher.Op ?? "=", Value = matcher.Value ?? "" }).Problem() is { } problem)
            {
                return FieldProblem.Invalid($"matchers[{i}]", $"{matcher.Name}{matcher.Op}{matcher.Value}", problem);
            }
        }
        if (matchers.All(m => m.Op == "=~" && m.Value == ".*"))
        {
            return FieldProblem.Invalid("matchers", string.Join(",", matchers.Select(m => $"{m.Name}{m.Op}{m.Value}")), "would match every incident");
        }
        var start = request.StartsAt ?? now;
        if (request.EndsAt is not { } end)
        {
            return FieldProblem.Invalid("endsAt", null, "is required");
        }
        if (end <= start || end <= now)
        {
            return FieldProblem.Invalid("endsAt", end.ToString("O"), $"must be after startsAt ({start:O}) and after now");
        }
        if (end - start > MaxDuration)
        {
            return FieldProblem.Invalid("endsAt", end.ToString("O"), $"must be within {MaxDuration.TotalDays} days of startsAt");
        }
        if (string.IsNullOrWhiteSpace(request.Comment) || request.Comment.Length > IncidentsApi.MaxCommentLength)
        {
            return FieldProblem.Invalid("comment", request.Comment, $"must say why, in 1 to {IncidentsApi.MaxCommentLength} characters");
        }
        return null;
    }

    /// <summary>A matcher without "op" is an equality; without "value", the empty string.</summary>
    private static List<LabelMatcher> Normalized(IReadOnlyList<LabelMatcher> matchers) =>
        [.. matchers.Select(m => m with { Op = m.Op ?? "=", Value = m.Value ?? "" })];

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such silence", detail: $"No silence has id '{id}'.");
}
