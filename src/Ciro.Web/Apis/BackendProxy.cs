using Ciro.Web.Live;

namespace Ciro.Web.Apis;

/// <summary>
/// The dashboard talks to one origin: /api/alerts/* goes to Ciro.Alerts, every other /api/* to Ciro.Analytics.
/// Status, body and content type pass through unchanged, so ProblemDetails reach the browser as sent.
/// </summary>
public static class BackendProxy
{
    public const string AlertsClient = "alerts";

    public static IEndpointRouteBuilder MapBackendProxy(this IEndpointRouteBuilder app)
    {
        app.Map("/api/alerts/{**rest}", (HttpContext context, IHttpClientFactory factory) =>
            ForwardAsync(context, factory.CreateClient(AlertsClient)));
        app.Map("/api/{**rest}", (HttpContext context, IHttpClientFactory factory) =>
            ForwardAsync(context, factory.CreateClient(typeof(AnalyticsClient).Name)));
        return app;
    }

    private static async Task ForwardAsync(HttpContext context, HttpClient client)
    {
        var target = context.Request.Path + context.Request.QueryString;
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
            if (context.Request.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }
        foreach (var header in new[] { "Accept", "X-Api-Key", "Authorization" })
        {
            if (context.Request.Headers.TryGetValue(header, out var value))
            {
                request.Headers.TryAddWithoutValidation(header, value.ToArray());
            }
        }
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            await Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Backend unavailable",
                detail: $"{client.BaseAddress?.Host} did not answer: {ex.Message}").ExecuteAsync(context);
            return;
        }
        using var _ = response;
        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } type)
        {
            context.Response.ContentType = type.ToString();
        }
        if (response.Content.Headers.ContentDisposition is { } disposition)
        {
            context.Response.Headers.ContentDisposition = disposition.ToString();
        }
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
