using Ciro.Web.Apis;
using Ciro.Web.Live;

namespace Ciro.Web.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("cache");
        builder.Services.AddProblemDetails();
        builder.Services.AddSignalR();
        builder.Services.AddHttpClient<AnalyticsClient>(c => c.BaseAddress = new Uri(builder.Configuration["Ciro:AnalyticsUrl"] ?? "http://analytics"));
        builder.Services.AddHttpClient(BackendProxy.AlertsClient, c => c.BaseAddress = new Uri(builder.Configuration["Ciro:AlertsUrl"] ?? "http://alerts"));
        builder.Services.AddSingleton<LiveMetrics>();
        builder.Services.AddHostedService<LiveActivityPublisher>();
    }
}
