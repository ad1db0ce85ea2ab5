using System.Diagnostics.Metrics;
using Ciro.Alerts.Incidents;

namespace Ciro.Alerts.Delivery;

/// <summary>Counters of what holds deliveries back, on the alerts meter (<see cref="AlertsMetrics.MeterName"/>).</summary>
public sealed class DeliveryMetrics
{
    public DeliveryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(AlertsMetrics.MeterName);
        Held = meter.CreateCounter<long>("ciro.alerts.deliveries_held", description: "Notifications put off without an attempt (reason: rate, circuit)");
        Fallbacks = meter.CreateCounter<long>("ciro.alerts.fallbacks", description: "Notifications also enqueued to a channel's fallback while its circuit was open");
    }

    public Counter<long> Held { get; }
    public Counter<long> Fallbacks { get; }
}
