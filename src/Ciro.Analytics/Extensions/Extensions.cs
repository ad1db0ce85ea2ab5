using Ciro.Analytics.Apis;
using Ciro.Auth;
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
        var statementTimeout = (builder.Configuration.GetSection(AnalyticsOptions.SectionName).Get<AnalyticsOptions>() ?? new AnalyticsOptions())
            .StatementTimeoutSeconds;
        builder.AddNpgsqlDataSource("ciro", configureDataSourceBuilder: dataSource =>
        {
            // The server cancels any statement over the limit (answered 503 by QueryTimeoutHandler); the client's
            // command timeout is a little longer so the server's clear error is the one normally seen.
            var settings = dataSource.ConnectionStringBuilder;
            settings.Options = $"{settings.Options} -c statement_timeout={statementTimeout * 1000}".Trim();
            settings.CommandTimeout = statementTimeout + 5;
            // A silently dropped TCP connection (no FIN/RST) must not block the LISTEN connection or a query for
            // hours: the kernel probes idle connections after 10 s, every 5 s.
            settings.TcpKeepAlive = true;
            settings.TcpKeepAliveTime = 10;
            settings.TcpKeepAliveInterval = 5;
        });
        builder.AddRedisClient("cache", configureOptions: o => o.AbortOnConnectFail = false);

        builder.Services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddCiroAuth();

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<QueryTimeoutHandler>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.AddOpenApi(o => o.AddRawOrAggregateResponses());
        builder.Services.AddSingleton<SchemaMigrator>();
        builder.Services.AddSingleton<SchemaReadiness>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SchemaReadiness>());
        builder.Services.AddHealthChecks().AddCheck<SchemaReadiness>("schema");
        builder.Services.AddSingleton<AnalyticsQueries>();
        builder.Services.AddSingleton<PipelineStatusQuery>();
        builder.Services.AddSingleton<GasKpis>();
        builder.Services.AddSingleton<NetworkKpis>();
        builder.Services.AddSingleton<JobKpis>();
        builder.Services.AddSingleton<WorkerKpis>();
        builder.Services.AddSingleton<UsageKpis>();
        builder.Services.AddSingleton<AnomalyKpis>();
        builder.Services.AddSingleton<Onchain.OnchainKpis>();
        builder.Services.AddSingleton<Experiments.UpgradeImpactQuery>();
        builder.Services.AddSingleton<Experiments.AbExperimentStore>();
        builder.Services.AddSingleton<QueryCache>();
        builder.Services.AddSingleton<QueryCoalescer>();
        builder.AddAnalyticsRateLimiting();
        builder.Services.AddSingleton<RollupReconciler>();
        builder.Services.AddSingleton<AnalyticsMetrics>();
        builder.Services.AddHostedService<ChainNotificationRelay>();
        builder.Services.AddSingleton<Recommendations.RecommendationRules>();
        builder.Services.AddSingleton<Recommendations.RecommendationEngine>();
        builder.Services.AddHostedService<Recommendations.RecommendationScheduler>();
        builder.AddReports();
    }
}
