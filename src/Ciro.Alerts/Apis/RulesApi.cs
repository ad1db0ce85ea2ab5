using System.Globalization;
using Ciro.Alerts.Rules;
using Ciro.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Ciro.Alerts.Apis;

/// <summary>The rules (those of the rule files and those of the API, each with its source), the problems of those left
/// out, each rule's series states, the backtest, and the editing of API rules (<see cref="RuleEditApi"/>).</summary>
public static class RulesApi
{
    /// <summary>A backtest covers at most this long a range.</summary>
    public static readonly TimeSpan MaxBacktestRange = TimeSpan.FromDays(7);

    public static IEndpointRouteBuilder MapRulesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/rules").WithTags("Rules");
        api.MapGet("/", ListRules).WithName("ListRules").RequireRole(Roles.Viewer).WithSummary("Rules of the rule files and of the API (source: the file, or api), and the problems of the rules left out (file, rule, field)");
        api.MapGet("/{id}", GetRule).WithName("GetRule").RequireRole(Roles.Viewer).WithSummary("One rule with the state of each of its series");
        // Admins edit the API rules; the rules of the rule files are read-only here (409).
        api.MapPost("/", RuleEditApi.Create).WithName("CreateRule").RequireRole(Roles.Admin)
            .WithSummary("Creates an API rule: one rule with the fields of a rule file, as JSON, validated as a rule file is");
        api.MapPut("/{id}", RuleEditApi.Update).WithName("UpdateRule").RequireRole(Roles.Admin).WithSummary("Replaces an API rule's definition");
        api.MapPost("/{id}/enable", RuleEditApi.Enable).WithName("EnableRule").RequireRole(Roles.Admin);
        api.MapPost("/{id}/disable", RuleEditApi.Disable).WithName("DisableRule").RequireRole(Roles.Admin);
        api.MapDelete("/{id}", RuleEditApi.Delete).WithName("DeleteRule").RequireRole(Roles.Admin);
        api.MapGet("/{id}/history", RuleEditApi.History).WithName("RuleHistory").RequireRole(Roles.Viewer)
            .WithSummary("Every change of an API rule: action, who, when and the definition it left");
        // Operators: a backtest reads a range of raw data from analytics, more than a viewer's page does.
        api.MapGet("/{id}/backtest", RunBacktest).WithName("BacktestRule").RequireRole(Roles.Operator)
            .WithSummary("The incidents the rule would have opened over a past range (from, to: ISO 8601 or unix seconds; step: 90s, 1m, …)");
        return app;
    }

    public sealed record RuleView(AlertRule Rule, IReadOnlyList<SeriesView> Series);

    public sealed record SeriesView(string Series, string Phase, DateTimeOffset? Since);

    public sealed record RuleListView(string Folder, IReadOnlyList<AlertRule> Rules, IReadOnlyList<RuleFileError> Errors);

    public static async Task<Ok<RuleListView>> ListRules(RuleCatalog catalog, CancellationToken ct)
    {
        await catalog.RefreshAsync(ct);
        return TypedResults.Ok(new RuleListView(catalog.Folder, catalog.Current.Rules, catalog.Current.Errors));
    }

    public static async Task<Results<Ok<RuleView>, NotFound<ProblemDetails>>> GetRule(string id, RuleCatalog catalog, LiveRuleEvaluator evaluator, CancellationToken ct)
    {
        await catalog.RefreshAsync(ct);
        if (catalog.Find(id) is not { } rule)
        {
            return TypedResults.NotFound(NoSuchRule(id));
        }
        var series = evaluator.StatesOf(id).Select(s => new SeriesView(s.Key.Replace('\n', ','), s.Value.Phase.ToString().ToLowerInvariant(), s.Value.Since)).ToList();
        return TypedResults.Ok(new RuleView(rule, series));
    }

    public static async Task<Results<Ok<BacktestResult>, NotFound<ProblemDetails>, BadRequest<ProblemDetails>, ProblemHttpResult>> RunBacktest(
        string id, RuleCatalog catalog, AnalyticsReader analytics, IOptions<AlertsOptions> options, CancellationToken ct,
        string? from = null, string? to = null, string? step = null)
    {
        await catalog.RefreshAsync(ct);
        if (catalog.Find(id) is not { } rule)
        {
            return TypedResults.NotFound(NoSuchRule(id));
        }
        var request = BacktestRequest.Parse(from, to, step, out var problem);
        if (problem is not null)
        {
            return TypedResults.BadRequest(problem);
        }
        try
        {
            return TypedResults.Ok(await Backtest.RunAsync(rule, request!.From, request.To, request.Step, analytics, options.Value.DashboardUrl, ct));
        }
        catch (HttpRequestException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Analytics could not answer", detail: ex.Message);
        }
    }

    private static ProblemDetails NoSuchRule(string id) =>
        new() { Status = StatusCodes.Status404NotFound, Title = "Rule not found", Detail = $"No rule '{id}' is loaded (GET /api/rules lists them and the problems of those left out)." };
}

/// <summary>A validated backtest range; shared by the API and the command line, so both reject the same input the same way.</summary>
public sealed record BacktestRequest(DateTimeOffset From, DateTimeOffset To, TimeSpan Step)
{
    public static BacktestRequest? Parse(string? from, string? to, string? step, out ProblemDetails? problem)
    {
        problem = null;
        if (!TryTime(from, out var start))
        {
            problem = FieldProblem.Invalid("from", from, "must be an ISO 8601 time or unix seconds");
            return null;
        }
        if (!TryTime(to, out var end))
        {
            problem = FieldProblem.Invalid("to", to, "must be an ISO 8601 time or unix seconds");
            return null;
        }
        if (end <= start)
        {
            problem = FieldProblem.Invalid("to", to, $"must be after 'from' ({start:O})");
            return null;
        }
        if (end - start > RulesApi.MaxBacktestRange)
        {
            problem = FieldProblem.Invalid("from", from, $"gives a range of {(end - start).TotalDays:F1} days; a backtest covers at most {RulesApi.MaxBacktestRange.TotalDays:F0}");
            return null;
        }
        var interval = TimeSpan.FromMinutes(1);
        if (step is not null && (!RuleFileLoader.TryParseDuration(step, out interval) || interval < TimeSpan.FromSeconds(10)))
        {
            problem = FieldProblem.Invalid("step", step, "must be a duration of at least 10s (e.g. 30s, 1m, 5m)");
            return null;
        }
        if ((end - start) / interval > Backtest.MaxEvaluations)
        {
            problem = FieldProblem.Invalid("step", step, $"gives more than {Backtest.MaxEvaluations} evaluations over the range; use a longer step");
            return null;
        }
        return new BacktestRequest(start, end, interval);
    }

    private static bool TryTime(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 100_000_000_000)
        {
            value = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
