using System.Globalization;
using Ciro.Analytics.Reports;
using Ciro.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Apis;

public sealed record RunWeeklyReportRequest(string? Week);

/// <summary>The report archive (viewer: list, download) and an on-demand run (operator).</summary>
public static class ReportsApi
{
    public const int MaxListed = 520;

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/reports").WithTags("Reports").RequireRole(Roles.Viewer);
        api.MapGet("/", List).WithName("ListReports").WithSummary("Archived reports, newest period first (no content)");
        api.MapGet("/{id}", Get).WithName("GetReport").WithSummary("One archived report's period, generation and email status");
        api.MapGet("/{id}/{format}", Download).WithName("DownloadReport")
            .WithSummary("One archived report as pdf, csv or json (an attachment)")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf", additionalContentTypes: ["text/csv", "application/json"]);
        app.MapGroup("api/reports").WithTags("Reports").RequireRole(Roles.Operator)
            .MapPost("/weekly", RunWeekly).WithName("RunWeeklyReport")
            .WithSummary("Generates (if not archived yet) and mails the weekly report of the week holding `week` (yyyy-MM-dd; default the last whole week)");
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<ReportSummary>>, BadRequest<ProblemDetails>>> List(int? limit, ReportArchive archive, CancellationToken ct)
    {
        if (limit is < 1 or > MaxListed)
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("limit", limit, $"must be between 1 and {MaxListed}"));
        }
        return TypedResults.Ok(await archive.ListAsync(limit ?? 52, ct));
    }

    public static async Task<Results<Ok<ReportSummary>, NotFound<ProblemDetails>, BadRequest<ProblemDetails>>> Get(string id, ReportArchive archive, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var reportId))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("id", id, "must be a report id (a UUID)"));
        }
        return await archive.GetAsync(reportId, ct) is { } report ? TypedResults.Ok(report) : TypedResults.NotFound(NoSuchReport(reportId));
    }

    public static async Task<Results<FileContentHttpResult, NotFound<ProblemDetails>, BadRequest<ProblemDetails>>> Download(
        string id, string format, ReportArchive archive, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var reportId))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("id", id, "must be a report id (a UUID)"));
        }
        if (!ReportArchive.Formats.Contains(format))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("format", format, "must be pdf, csv or json"));
        }
        return await archive.GetFileAsync(reportId, format, ct) is { } file
            ? TypedResults.File(file.Content, file.ContentType, file.FileName)
            : TypedResults.NotFound(NoSuchReport(reportId));
    }

    public static async Task<Results<Ok<ReportRun>, BadRequest<ProblemDetails>>> RunWeekly(
        RunWeeklyReportRequest? body, WeeklyReportService reports, TimeProvider clock, CancellationToken ct)
    {
        var period = ReportPeriod.WeekBefore(clock.GetUtcNow());
        if (body?.Week is { } week)
        {
            if (!DateOnly.TryParseExact(week, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return TypedResults.BadRequest(ApiProblems.InvalidField("week", week, "must be a date, yyyy-MM-dd"));
            }
            var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            period = ReportPeriod.WeekBefore(start.AddDays(7));
            if (period.End > clock.GetUtcNow())
            {
                return TypedResults.BadRequest(ApiProblems.InvalidField("week", week, "must be in a week that has ended"));
            }
        }
        return TypedResults.Ok(await reports.RunAsync(period, null, ct));
    }

    private static ProblemDetails NoSuchReport(Guid id) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "No such report",
        Detail = $"No archived report has id {id}.",
    };
}
