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
    }

    public Counter<long> NotificationsRelayed { get; }
    public Counter<long> NotificationErrors { get; }
    public Counter<long> NotificationResyncs { get; }
}
