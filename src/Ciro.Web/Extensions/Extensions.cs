using Ciro.Messages;
using Ciro.Web.Apis;
using Ciro.Web.Auth;
using Ciro.Web.Exports;
using Ciro.Web.Live;
using Microsoft.Extensions.Http.Resilience;
using Polly;

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
        // takes a 429 as the answer, not a fault: retried, it would wait out the backend's Retry-After past the
        // request timeout (the browser would get 502 instead of 429 + Retry-After), and counted, one throttled user
        // would open the circuit for everyone.
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(o =>
        {
            o.Retry.ShouldHandle = args => FaultNotThrottle(args.Outcome);
            o.CircuitBreaker.ShouldHandle = args => FaultNotThrottle(args.Outcome);
        });
        builder.Services.AddSingleton<LiveMetrics>();
        builder.Services.AddSingleton<PushClaims>();
        builder.Services.AddHostedService<LiveActivityPublisher>();
    }

    private static ValueTask<bool> FaultNotThrottle(Outcome<HttpResponseMessage> outcome) => ValueTask.FromResult(
        outcome.Result?.StatusCode != System.Net.HttpStatusCode.TooManyRequests && HttpClientResiliencePredicates.IsTransient(outcome));
}
