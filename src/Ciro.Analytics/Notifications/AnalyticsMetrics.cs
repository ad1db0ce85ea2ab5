using System.Diagnostics.Metrics;

namespace Ciro.Analytics.Notifications;

public sealed class AnalyticsMetrics
{
    public const string MeterName = "Ciro.Analytics";

    public AnalyticsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        NotificationsRelayed = meter.CreateCounter<long>("ciro.analytics.notifications", description: "Indexer notifications relayed to Redis");
        NotificationErrors = meter.CreateCounter<long>("ciro.analytics.notification_errors", description: "Listener disconnects and publish failures");
        NotificationResyncs = meter.CreateCounter<long>("ciro.analytics.notification_resyncs", description: "Reconnects after which consumers were told to refetch");
        NotificationDrops = meter.CreateCounter<long>("ciro.analytics.notification_drops", description: "Notifications dropped because the queue was full (replaced by a resync)");
        QueryTimeouts = meter.CreateCounter<long>("ciro.analytics.query_timeouts", description: "Requests answered 503 because a query exceeded the statement timeout");
        DatabaseUnavailable = meter.CreateCounter<long>("ciro.analytics.database_unavailable", description: "Requests answered 503 because the database refused or lost the connection");
        RollupHours = meter.CreateCounter<long>("ciro.analytics.rollup_hours", description: "Hour buckets recomputed from raw rows (tag reason: new-hour, replaced, interval, job-stage, raced)");
        RollupFoldedBlocks = meter.CreateCounter<long>("ciro.analytics.rollup_folded_blocks", description: "New blocks added to their stored hour, day and week rows without a recompute");
        RollupDuration = meter.CreateHistogram<double>("ciro.analytics.rollup_duration", "ms", "One reconcile pass, notification to committed rollups");
        RollupErrors = meter.CreateCounter<long>("ciro.analytics.rollup_errors", description: "Reconcile passes that failed (retried on the next notification)");
        CacheHits = meter.CreateCounter<long>("ciro.analytics.cache_hits", description: "KPI answers served from Redis");
        CacheMisses = meter.CreateCounter<long>("ciro.analytics.cache_misses", description: "KPI answers computed and stored in Redis");
        QueriesCoalesced = meter.CreateCounter<long>("ciro.analytics.queries_coalesced", description: "Requests answered by an identical query already in flight instead of a query of their own");
        RateLimited = meter.CreateCounter<long>("ciro.analytics.rate_limited", description: "Requests refused with 429 because their caller exceeded the rate limit");
    }

    public Counter<long> RollupHours { get; }
    public Counter<long> RollupFoldedBlocks { get; }
    public Histogram<double> RollupDuration { get; }
    public Counter<long> RollupErrors { get; }
    public Counter<long> CacheHits { get; }
    public Counter<long> CacheMisses { get; }
    public Counter<long> QueriesCoalesced { get; }
    public Counter<long> RateLimited { get; }

    public Counter<long> NotificationsRelayed { get; }
    public Counter<long> NotificationErrors { get; }
    public Counter<long> NotificationResyncs { get; }
    public Counter<long> NotificationDrops { get; }
    public Counter<long> QueryTimeouts { get; }
    public Counter<long> DatabaseUnavailable { get; }
}
