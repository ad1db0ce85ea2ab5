using System.Globalization;
using Ciro.Analytics.Apis;
using Ciro.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Experiments;

/// <summary>Operator-created A/B experiments: operators create, stop and archive them; viewers read them and their
/// result (computed from the indexed calls on request).</summary>
public static class AbExperimentsApi
{
    public static IEndpointRouteBuilder MapAbExperimentsApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("api/experiments/ab").WithTags("Experiments").RequireRole(Roles.Viewer);
        read.MapGet("/", List).WithName("ListAbExperiments")
            .WithSummary("A/B experiments, newest start first (archived ones only with status=archived)");
        read.MapGet("/{id}", Get).WithName("GetAbExperiment").WithSummary("One A/B experiment's plan and lifecycle");
        read.MapGet("/{id}/result", Result).WithName("GetAbExperimentResult")
            .WithSummary("The experiment's result now: per-variant calls, mean and revert rate; B − A with its always-valid confidence sequence (CUPED-adjusted with a pre-period); sample-ratio check; revert-rate guardrail; the stopping decision");
        var write = app.MapGroup("api/experiments/ab").WithTags("Experiments").RequireRole(Roles.Operator);
        write.MapPost("/", Create).WithName("CreateAbExperiment")
            .WithSummary("Create an A/B experiment between two deployments or two class hashes on one entry point (the plan is fixed from then on)");
        write.MapPost("/{id}/stop", Stop).WithName("StopAbExperiment").WithSummary("Stop a running experiment: its result window ends now");
        write.MapPost("/{id}/archive", Archive).WithName("ArchiveAbExperiment").WithSummary("Archive an experiment (stopping it if running): hidden from the default list");
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<AbExperiment>>, BadRequest<ProblemDetails>>> List(string? status, AbExperimentStore store, CancellationToken ct)
    {
        if (status is not null && !AbExperimentStore.Statuses.Contains(status))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("status", status, $"must be one of {string.Join(", ", AbExperimentStore.Statuses)}"));
        }
        return TypedResults.Ok(await store.ListAsync(status, ct));
    }

    public static async Task<Results<Ok<AbExperiment>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>>> Get(string id, AbExperimentStore store, CancellationToken ct)
    {
        if (!TryId(id, out var number))
        {
            return TypedResults.BadRequest(BadId(id));
        }
        return await store.FindAsync(number, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound(NotFound(number));
    }

    public static async Task<Results<Ok<AbExperimentResult>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>>> Result(string id, AbExperimentStore store, CancellationToken ct)
    {
        if (!TryId(id, out var number))
        {
            return TypedResults.BadRequest(BadId(id));
        }
        return await store.FindAsync(number, ct) is { } found ? TypedResults.Ok(await store.EvaluateAsync(found, ct)) : TypedResults.NotFound(NotFound(number));
    }

    public static async Task<Results<Created<AbExperiment>, BadRequest<ProblemDetails>>> Create(
        CreateAbExperimentRequest? body, HttpContext http, AbExperimentStore store, TimeProvider clock, CancellationToken ct)
    {
        if (AbExperimentStore.Validate(body, out var plan) is { } problem)
        {
            return TypedResults.BadRequest(problem);
        }
        var created = await store.CreateAsync(plan, Actor(http), clock.GetUtcNow(), ct);
        return TypedResults.Created($"/api/experiments/ab/{created.Id}", created);
    }

    public static Task<Results<Ok<AbExperiment>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> Stop(
        string id, HttpContext http, AbExperimentStore store, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(id, AbExperimentStore.StoppedStatus, http, store, clock, ct);

    public static Task<Results<Ok<AbExperiment>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> Archive(
        string id, HttpContext http, AbExperimentStore store, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(id, AbExperimentStore.ArchivedStatus, http, store, clock, ct);

    private static async Task<Results<Ok<AbExperiment>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ChangeAsync(
        string id, string to, HttpContext http, AbExperimentStore store, TimeProvider clock, CancellationToken ct)
    {
        if (!TryId(id, out var number))
        {
            return TypedResults.BadRequest(BadId(id));
        }
        if (await store.ChangeStatusAsync(number, to, Actor(http), clock.GetUtcNow(), ct) is { } changed)
        {
            return TypedResults.Ok(changed);
        }
        if (await store.FindAsync(number, ct) is { } current)
        {
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Experiment not in a state for this change",
                Detail = $"Experiment {number} is {current.Status}; it cannot be {to}.",
            });
        }
        return TypedResults.NotFound(NotFound(number));
    }

    private static string Actor(HttpContext http) =>
        http.Request.Headers["X-Ciro-User"].FirstOrDefault() is { Length: > 0 and <= 200 } user ? user : http.User.Identity?.Name ?? "anonymous";

    private static bool TryId(string id, out long number) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0;

    private static ProblemDetails BadId(string id) => ApiProblems.InvalidField("id", id, "must be an experiment id (a positive integer)");

    private static ProblemDetails NotFound(long id) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "Experiment not found",
        Detail = $"No A/B experiment has id {id}.",
    };
}
