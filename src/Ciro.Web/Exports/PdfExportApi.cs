using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Ciro.Printing;
using Ciro.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Ciro.Web.Exports;

/// <summary>A PDF of some of the dashboard's views over one range and the shared filters (the names and rules of the
/// dashboard's URL, ClientApp/src/lib/kpi-filters.ts). No range: the last <see cref="Period"/>.</summary>
public sealed record PdfExportRequest(string[]? Views, string? Period, string? From, string? To, string? Contract, string? Function, string? Worker, string? Metric);

/// <summary>
/// POST /api/export/pdf prints views of the dashboard as the caller sees them: it issues a one-time ticket for the
/// caller (<see cref="PrintTickets"/>), and Debian's Chromium (<see cref="PdfRenderer"/>) opens
/// GET /auth/print?ticket=…, which redeems the ticket for a short session as that caller and redirects to the
/// dashboard's /print page (a cover with the range and filters, then one section per view); the page marks itself
/// ready once its data has loaded and is printed with page numbers. At most
/// <see cref="PdfExportOptions.MaxConcurrentRenders"/> at once per replica (503 beyond), each bounded by
/// <see cref="PdfExportOptions.RenderTimeout"/> (504).
/// </summary>
public static partial class PdfExportApi
{
    /// <summary>The views the print page can render (ClientApp/src/app/routes/print.tsx has the same names).</summary>
    public static readonly string[] Views = ["overview", "gas", "timing", "workers", "usage", "anomalies", "onchain", "alerts"];

    public static readonly string[] Periods = ["1h", "6h", "24h", "7d", "30d"];

    /// <summary>The print page sets this attribute once every query has settled.</summary>
    public const string ReadySelector = "[data-print-ready='true']";

    private static readonly TimeSpan LongestRange = TimeSpan.FromDays(366);

    public static IEndpointRouteBuilder MapPdfExportApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/export/pdf", ExportAsync).WithName("ExportPdf").WithTags("Exports")
            .RequireRole(Roles.Viewer).Accepts<PdfExportRequest>("application/json");
        app.MapGet("/auth/print", RedeemAsync).WithName("RedeemPrintTicket").WithTags("Exports").AllowAnonymous();
        return app;
    }

    /// <summary>The print page's query string for a valid request, or the ProblemDetails naming what is wrong.</summary>
    public static (QueryString Query, ProblemDetails? Problem) Validate(PdfExportRequest request, DateTimeOffset now)
    {
        if (request.Views is not { Length: > 0 } views || views.Length > Views.Length)
        {
            return (default, FieldProblem.Invalid("views", request.Views is null ? null : string.Join(",", request.Views),
                $"must list 1 to {Views.Length} of {string.Join(", ", Views)}"));
        }
        foreach (var view in views)
        {
            if (!Views.Contains(view))
            {
                return (default, FieldProblem.Invalid("views", view, $"is not a view; one of {string.Join(", ", Views)}"));
            }
        }
        var query = new QueryBuilder { { "views", string.Join(",", views.Distinct()) } };
        if (request.From is not null || request.To is not null)
        {
            if (!TryInstant(request.From, out var from))
            {
                return (default, FieldProblem.Invalid("from", request.From, "must be an ISO-8601 time with an offset, e.g. 2026-11-01T00:00:00Z"));
            }
            if (!TryInstant(request.To, out var to))
            {
                return (default, FieldProblem.Invalid("to", request.To, "must be an ISO-8601 time with an offset, e.g. 2026-11-08T00:00:00Z"));
            }
            if (to <= from || to - from > LongestRange)
            {
                return (default, FieldProblem.Invalid("to", request.To, $"must be after 'from' ({request.From}) by at most {LongestRange.TotalDays:0} days"));
            }
            if (from > now)
            {
                return (default, FieldProblem.Invalid("from", request.From, "must not be in the future"));
            }
            query.Add("from", from.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            query.Add("to", to.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        }
        else if (request.Period is not null)
        {
            if (!Periods.Contains(request.Period))
            {
                return (default, FieldProblem.Invalid("period", request.Period, $"must be one of {string.Join(", ", Periods)}"));
            }
            query.Add("period", request.Period);
        }
        foreach (var (field, value, pattern, rule) in new[]
        {
            ("contract", request.Contract, Address(), "must be a 0x address of 1 to 64 hex digits"),
            ("function", request.Function, FunctionName(), "must be a function name or a 0x selector"),
            ("worker", request.Worker, Address(), "must be a 0x address of 1 to 64 hex digits"),
            ("metric", request.Metric, MetricName(), "must be 1 to 40 of a-z, 0-9 and _"),
        })
        {
            if (value is null)
            {
                continue;
            }
            if (!pattern.IsMatch(value))
            {
                return (default, FieldProblem.Invalid(field, value, rule));
            }
            query.Add(field, field is "contract" or "worker" ? value.ToLowerInvariant() : value);
        }
        return (query.ToQueryString(), null);
    }

    private static async Task<Results<FileContentHttpResult, BadRequest<ProblemDetails>, ProblemHttpResult>> ExportAsync(
        [FromBody] PdfExportRequest request, HttpContext context, IAntiforgery antiforgery, PrintTickets tickets, PdfRenderer renderer,
        PdfExportGate gate, PdfExportMetrics metrics, IServer server, IOptions<PdfExportOptions> options, TimeProvider clock, ILogger<PdfExportRequest> logger)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return AuthApi.AntiforgeryProblem();
        }
        var (query, problem) = Validate(request, clock.GetUtcNow());
        if (problem is not null)
        {
            return TypedResults.BadRequest(problem);
        }
        if (!options.Value.Enabled)
        {
            metrics.Exports.Add(1, new KeyValuePair<string, object?>("outcome", "off"));
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "PDF export is off",
                detail: $"This server has no PDF export ({PdfExportOptions.SectionName}:{nameof(PdfExportOptions.Enabled)}=false); CSV and JSON exports work.");
        }
        if (!gate.TryEnter())
        {
            metrics.Exports.Add(1, new KeyValuePair<string, object?>("outcome", "busy"));
            context.Response.Headers.RetryAfter = "10";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "PDF export busy",
                detail: $"{options.Value.MaxConcurrentRenders} PDFs are being printed; try again in 10 s.");
        }
        var watch = Stopwatch.StartNew();
        var user = context.User.Identity!.Name;
        try
        {
            var ticket = await tickets.IssueAsync(context.User, options.Value.TicketLifetime);
            var page = new Uri(PrintBase(options.Value, server), "/auth/print" + new QueryString("?ticket=" + Uri.EscapeDataString(ticket)).Add(query));
            var pdf = await renderer.RenderPageAsync(page, ReadySelector, context.RequestAborted);
            metrics.Exports.Add(1, new KeyValuePair<string, object?>("outcome", "printed"));
            metrics.Duration.Record(watch.Elapsed.TotalSeconds);
            logger.LogInformation("Printed {Query} for {UserName} ({Bytes} bytes, {Milliseconds} ms)", query.Value, user, pdf.Length, watch.ElapsedMilliseconds);
            return TypedResults.File(pdf, "application/pdf", FileName(query));
        }
        catch (TimeoutException e)
        {
            metrics.Exports.Add(1, new KeyValuePair<string, object?>("outcome", "timeout"));
            logger.LogWarning(e, "PDF export {Query} for {UserName} timed out", query.Value, user);
            return TypedResults.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "PDF export timed out",
                detail: $"The views did not load and print within {options.Value.RenderTimeout}; try fewer views or a shorter range.");
        }
        catch (InvalidOperationException e)
        {
            metrics.Exports.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            logger.LogError(e, "PDF export {Query} for {UserName} failed", query.Value, user);
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "PDF renderer failed",
                detail: "The browser that prints PDFs failed; the web tier's log has the reason.");
        }
        finally
        {
            gate.Exit();
        }
    }

    /// <summary>The renderer's browser lands here: the ticket becomes a session as the caller who asked, lasting no
    /// longer than a rendering, then the print page with the same filters.</summary>
    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> RedeemAsync(
        HttpContext context, PrintTickets tickets, IOptions<PdfExportOptions> options, TimeProvider clock, ILogger<PdfExportRequest> logger)
    {
        var ticket = context.Request.Query["ticket"].ToString();
        var identity = ticket.Length is > 0 and <= 100 ? await tickets.RedeemAsync(ticket) : null;
        if (identity is null)
        {
            logger.LogWarning("Refused a print ticket from {Address}: unknown, expired or already used", context.Connection.RemoteIpAddress);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Print ticket refused",
                detail: "The ticket is unknown, expired or already used.");
        }
        var principal = AuthExtensions.Principal(identity.UserName, identity.Role, identity.IdentityProvider);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties
        {
            IsPersistent = false,
            AllowRefresh = false,
            ExpiresUtc = clock.GetUtcNow() + options.Value.RenderTimeout,
        });
        var kept = new QueryBuilder(context.Request.Query
            .Where(q => q.Key is "views" or "period" or "from" or "to" or "contract" or "function" or "worker" or "metric")
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))));
        return TypedResults.Redirect("/print" + kept.ToQueryString());
    }

    private static Uri PrintBase(PdfExportOptions options, IServer server)
    {
        if (!string.IsNullOrEmpty(options.PrintBaseUrl))
        {
            return new Uri(options.PrintBaseUrl);
        }
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var own = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"this replica listens on no address; set {PdfExportOptions.SectionName}:{nameof(PdfExportOptions.PrintBaseUrl)}");
        // A wildcard binding (0.0.0.0, [::], +, *) is reached on loopback.
        return new Uri(WildcardHost().Replace(own, "$1localhost"));
    }

    private static string FileName(QueryString query)
    {
        var values = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query.Value);
        var range = values.TryGetValue("from", out var from)
            ? $"{from.ToString()[..10]}_{values["to"].ToString()[..10]}"
            : values.TryGetValue("period", out var period) ? period.ToString() : "24h";
        return $"ciro-{values["views"].ToString().Replace(',', '-')}-{range}.pdf";
    }

    private static bool TryInstant(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    [GeneratedRegex("^0x[0-9a-fA-F]{1,64}$")]
    private static partial Regex Address();

    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_]{0,99}|0x[0-9a-fA-F]{1,64})$")]
    private static partial Regex FunctionName();

    [GeneratedRegex("^[a-z0-9_]{1,40}$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^(https?://)(0\.0\.0\.0|\[::\]|\+|\*)")]
    private static partial Regex WildcardHost();
}

/// <summary>Bounds the renderings running at once on this replica.</summary>
public sealed class PdfExportGate(IOptions<PdfExportOptions> options)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentRenders, options.Value.MaxConcurrentRenders);

    public bool TryEnter() => _slots.Wait(0);

    public void Exit() => _slots.Release();
}
