using Ciro.Analytics.Auth;
using Ciro.Analytics.Caching;
using Ciro.Analytics.Notifications;
using Ciro.Analytics.Queries;
using Ciro.Analytics.Rollups;
using Ciro.Storage;

namespace Ciro.Analytics.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("ciro");
        builder.AddRedisClient("cache", configureOptions: o => o.AbortOnConnectFail = false);

        builder.Services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddCiroAuth();

        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<SchemaMigrator>();
        builder.Services.AddSingleton<SchemaReadiness>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SchemaReadiness>());
        builder.Services.AddHealthChecks().AddCheck<SchemaReadiness>("schema");
        builder.Services.AddSingleton<AnalyticsQueries>();
        builder.Services.AddSingleton<GasKpis>();
        builder.Services.AddSingleton<NetworkKpis>();
        builder.Services.AddSingleton<JobKpis>();
        builder.Services.AddSingleton<WorkerKpis>();
        builder.Services.AddSingleton<UsageKpis>();
        builder.Services.AddSingleton<AnomalyKpis>();
        builder.Services.AddSingleton<QueryCache>();
        builder.Services.AddSingleton<RollupReconciler>();
        builder.Services.AddSingleton<AnalyticsMetrics>();
        builder.Services.AddHostedService<ChainNotificationRelay>();
    }
}
