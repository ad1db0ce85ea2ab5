using Ciro.Messages;
using Ciro.Web.Apis;
using Ciro.Web.Auth;
using Ciro.Web.Exports;
using Ciro.Web.Live;
using Microsoft.Extensions.Http.Resilience;

namespace Ciro.Web.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(LiveBackplane.CacheName, s => s.DisableHealthChecks = true);
        builder.Services.AddProblemDetails();
        builder.AddWebAuth();
        builder.AddWebRateLimiting();
        builder.AddPdfExport();
        // Messages go to browsers with our serializer's metadata (camelCase, enums as strings): the shape
        // ClientApp/src/types/messages.ts is generated from.
        builder.Services.AddSignalR()
            .AddJsonProtocol(o => MessageSerializer.UseIn(o.PayloadSerializerOptions))
            .AddLiveBackplane(builder);
        // The web tier's own reads (live activity) use the viewer key the AppHost generates; the proxy picks the key
        // of the caller's role per request (Apis/BackendProxy.cs).
        var analyticsKey = builder.Configuration["Ciro:AnalyticsApiKey"];
        builder.Services.AddHttpClient<AnalyticsClient>(c =>
        {
            c.BaseAddress = new Uri(builder.Configuration["Ciro:AnalyticsUrl"] ?? "http://analytics");
            if (!string.IsNullOrEmpty(analyticsKey))
            {
                c.DefaultRequestHeaders.Add("X-Api-Key", analyticsKey);
            }
        });
        // Ciro.Alerts accepts the same keys (it shares ciro.api_keys and the service keys) and nothing anonymous.
        builder.Services.AddHttpClient(BackendProxy.AlertsClient, c =>
        {
            c.BaseAddress = new Uri(builder.Configuration["Ciro:AlertsUrl"] ?? "http://alerts");
            if (!string.IsNullOrEmpty(analyticsKey))
            {
                c.DefaultRequestHeaders.Add("X-Api-Key", analyticsKey);
            }
        });
        // The standard resilience handler (ServiceDefaults) of every client here — the backends and the OIDC provider —
        // takes any answer as the answer: a 429 (retried, it would wait out the backend's Retry-After past the request
        // timeout; counted, one throttled user would open the circuit for everyone), a 503 from a query over analytics'
        // statement timeout, a 500. Those reach the browser as the backend wrote them. Retried, a slow query would run
        // again and add its load to what made it slow. Only a backend that did not answer (refused or reset) is
        // retried, and that or a hang counts against the circuit. An attempt may last as long as analytics lets a query
        // run (30 s statement timeout, 5 s more for the command): cut at the default 10 s and retried, a 12-s query
        // would start three times and never answer (the 60-minute soak's usage view, as its data grew).
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(o =>
        {
            o.Retry.ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException);
            o.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException);
            o.AttemptTimeout.Timeout = BackendAttemptTimeout;
            o.TotalRequestTimeout.Timeout = 2 * BackendAttemptTimeout + TimeSpan.FromSeconds(10);
            // Polly's rule: the circuit samples at least two attempts' time.
            o.CircuitBreaker.SamplingDuration = 2 * BackendAttemptTimeout;
        });
        builder.Services.AddSingleton<LiveMetrics>();
        builder.Services.AddSingleton<PushClaims>();
        builder.Services.AddHostedService<LiveActivityPublisher>();
    }

    /// <summary>How long one call to a backend may take: longer than analytics' longest query (its default 30 s
    /// statement timeout and 5 s command margin).</summary>
    public static readonly TimeSpan BackendAttemptTimeout = TimeSpan.FromSeconds(45);
}
