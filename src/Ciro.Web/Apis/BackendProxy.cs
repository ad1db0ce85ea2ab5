using Ciro.Web.Auth;
using Ciro.Web.Live;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Ciro.Web.Apis;

/// <summary>
/// The dashboard talks to one origin. Each route of <see cref="ProxiedRoutes"/> is forwarded to its backend with
/// the caller's identity: the service key of the caller's role (viewer key for viewers, operator key for operators
/// and admins — no admin route is proxied, so the web tier holds no admin key) in X-Api-Key and the user name in
/// X-Ciro-User. The browser's own headers (cookies, X-Api-Key, Authorization) are never forwarded. Status, body and
/// content type pass through, so ProblemDetails reach the browser as sent.
/// </summary>
public static class BackendProxy
{
    public const string AlertsClient = "alerts";
    public const string UserHeader = "X-Ciro-User";

    public static IEndpointRouteBuilder MapBackendProxy(this IEndpointRouteBuilder app)
    {
        foreach (var route in ProxiedRoutes.All)
        {
            app.MapMethods(route.Pattern, [route.Method], (HttpContext context, IHttpClientFactory factory, IAntiforgery antiforgery,
                    IConfiguration configuration, IOptionsMonitor<WebOptions> options, ILoggerFactory logs) =>
                    ForwardAsync(context, route, factory, antiforgery, configuration, options.CurrentValue, logs.CreateLogger(typeof(BackendProxy))))
                .RequireRole(route.Role)
                .WithTags("Proxy")
                .ExcludeFromDescription();
        }
        // Not listed (any path, or a listed path with another method): 404 for a signed-in caller, 401 otherwise,
        // so the list of routes cannot be probed without a session.
        app.Map("/api/{**rest}", () => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such API route",
            detail: "The web tier forwards only the routes the dashboard uses.")).RequireAuthorization();
        return app;
    }

    private static async Task ForwardAsync(HttpContext context, ProxiedRoute route, IHttpClientFactory factory, IAntiforgery antiforgery,
        IConfiguration configuration, WebOptions options, ILogger logger)
    {
        // A route value holding an escaped '/' ("%2F") would reach another backend path than the one listed.
        if (context.Request.RouteValues.Values.Any(v => v is string s && (s.Contains('/') || s.Contains('\\') || s.Contains('%'))))
        {
            await Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such API route").ExecuteAsync(context);
            return;
        }
        if (!HttpMethods.IsGet(route.Method) && !await antiforgery.IsRequestValidAsync(context))
        {
            await AuthApi.AntiforgeryProblem().ExecuteAsync(context);
            return;
        }
        var role = context.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value;
        var key = Roles.Level(role) >= Roles.Level(Roles.Operator) ? options.OperatorApiKey : configuration["Ciro:AnalyticsApiKey"];
        var client = factory.CreateClient(route.Backend == Backend.Alerts ? AlertsClient : typeof(AnalyticsClient).Name);
        var backend = route.Backend.ToString().ToLowerInvariant();

        using var request = new HttpRequestMessage(new HttpMethod(route.Method), context.Request.Path + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
            if (context.Request.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }
        if (context.Request.Headers.TryGetValue("Accept", out var accept))
        {
            request.Headers.TryAddWithoutValidation("Accept", accept.ToArray());
        }
        // The typed analytics client carries the viewer key as a default header; set the caller's role's key instead.
        request.Headers.Remove("X-Api-Key");
        if (!string.IsNullOrEmpty(key))
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }
        request.Headers.TryAddWithoutValidation(UserHeader, context.User.Identity?.Name);

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
                                   || ex is TaskCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning(ex, "{Backend} did not answer {Method} {Path}", backend, route.Method, context.Request.Path);
            await Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Backend unavailable",
                detail: $"{backend} did not answer.").ExecuteAsync(context);
            return;
        }
        using var _ = response;
        // A 401 from a backend means the web tier's key is missing or revoked, not that the browser's session is:
        // passed through, it would send a signed-in user to the login page.
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            logger.LogError("{Backend} refused the web tier's {Role} key for {Method} {Path} (Ciro:AnalyticsApiKey / Ciro:Web:OperatorApiKey)",
                backend, role, route.Method, context.Request.Path);
            await Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Backend refused the web tier",
                detail: $"{backend} did not accept the web tier's credentials for your role.").ExecuteAsync(context);
            return;
        }
        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } type)
        {
            context.Response.ContentType = type.ToString();
        }
        if (response.Content.Headers.ContentDisposition is { } disposition)
        {
            context.Response.Headers.ContentDisposition = disposition.ToString();
        }
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString();
        }
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
