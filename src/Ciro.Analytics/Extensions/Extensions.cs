using Ciro.Analytics.Notifications;
using Ciro.Analytics.Queries;

namespace Ciro.Analytics.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("ciro");
        builder.AddRedisClient("cache");

        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<AnalyticsQueries>();
        builder.Services.AddSingleton<AnalyticsMetrics>();
        builder.Services.AddHostedService<ChainNotificationRelay>();
    }
}
