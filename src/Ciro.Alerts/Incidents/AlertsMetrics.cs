using System.Diagnostics.Metrics;

namespace Ciro.Alerts.Incidents;

public sealed class AlertsMetrics
{
    public const string MeterName = "Ciro.Alerts";

    public AlertsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        Evaluations = meter.CreateCounter<long>("ciro.alerts.evaluations");
        EvaluationErrors = meter.CreateCounter<long>("ciro.alerts.evaluation_errors");
        EvaluationDuration = meter.CreateHistogram<double>("ciro.alerts.evaluation_duration", "s", "One evaluation of every enabled rule file rule (timer or committed blocks).");
        IncidentsOpened = meter.CreateCounter<long>("ciro.alerts.incidents_opened");
        IncidentsResolved = meter.CreateCounter<long>("ciro.alerts.incidents_resolved");
        IncidentsAcknowledged = meter.CreateCounter<long>("ciro.alerts.incidents_acknowledged");
        IncidentsRetriggered = meter.CreateCounter<long>("ciro.alerts.incidents_retriggered");
        Escalations = meter.CreateCounter<long>("ciro.alerts.escalations");
        TimeToAcknowledge = meter.CreateHistogram<double>("ciro.alerts.time_to_acknowledge", "s", "From an incident's trigger to its acknowledgement (MTTA is its mean).");
        TimeToResolve = meter.CreateHistogram<double>("ciro.alerts.time_to_resolve", "s", "From an incident's trigger to its resolution (MTTR is its mean).");
        Deliveries = meter.CreateCounter<long>("ciro.alerts.deliveries");
        DeliveryRetries = meter.CreateCounter<long>("ciro.alerts.delivery_retries");
        NotificationsExpired = meter.CreateCounter<long>("ciro.alerts.notifications_expired");
        NotificationsRejected = meter.CreateCounter<long>("ciro.alerts.notifications_rejected");
        DispatcherErrors = meter.CreateCounter<long>("ciro.alerts.dispatcher_errors");
        GroupNotifications = meter.CreateCounter<long>("ciro.alerts.group_notifications");
    }

    public Counter<long> Evaluations { get; }
    public Counter<long> EvaluationErrors { get; }
    public Histogram<double> EvaluationDuration { get; }
    public Counter<long> IncidentsOpened { get; }
    public Counter<long> IncidentsResolved { get; }
    public Counter<long> IncidentsAcknowledged { get; }
    public Counter<long> IncidentsRetriggered { get; }
    public Counter<long> Escalations { get; }
    public Histogram<double> TimeToAcknowledge { get; }
    public Histogram<double> TimeToResolve { get; }
    public Counter<long> Deliveries { get; }
    public Counter<long> DeliveryRetries { get; }

    /// <summary>Notifications given up at their expiry (each also audited in alerts.deliveries and marked failed).</summary>
    public Counter<long> NotificationsExpired { get; }

    /// <summary>Notifications failed at once because the receiver refused them for good (<see cref="Notifiers.ReceiverRejectedException"/>).</summary>
    public Counter<long> NotificationsRejected { get; }

    /// <summary>Claims or audit writes that failed (database away): the claim rolled back and will be retried.</summary>
    public Counter<long> DispatcherErrors { get; }

    /// <summary>Notifications of groups, by why the flush sent one (first, new incidents, some or all resolved, repeat).</summary>
    public Counter<long> GroupNotifications { get; }
}
