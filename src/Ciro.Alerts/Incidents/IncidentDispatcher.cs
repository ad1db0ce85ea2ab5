using Ciro.Alerts.Notifiers;

namespace Ciro.Alerts.Incidents;

/// <summary>Delivers a transition to every notifier with retries and backoff, recording each outcome.</summary>
public sealed class IncidentDispatcher(
    IEnumerable<IAlertNotifier> notifiers,
    IncidentStore store,
    AlertsMetrics metrics,
    ILogger<IncidentDispatcher> logger)
{
    public const int MaxAttempts = 4;

    public async Task DispatchAsync(Incident incident, IncidentTransition transition, CancellationToken ct)
    {
        foreach (var notifier in notifiers)
        {
            string? error = null;
            var attempt = 0;
            var delay = TimeSpan.FromMilliseconds(500);
            while (++attempt <= MaxAttempts)
            {
                try
                {
                    await notifier.NotifyAsync(incident, transition, ct);
                    error = null;
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    error = ex.Message;
                    metrics.DeliveryRetries.Add(1, new KeyValuePair<string, object?>("channel", notifier.Channel));
                    logger.LogWarning(ex, "Delivery of incident {IncidentId} by {Channel} failed (attempt {Attempt}/{Max})",
                        incident.Id, notifier.Channel, attempt, MaxAttempts);
                    if (attempt < MaxAttempts)
                    {
                        await Task.Delay(delay, ct);
                        delay *= 2;
                    }
                }
            }
            var succeeded = error is null;
            metrics.Deliveries.Add(1, new KeyValuePair<string, object?>("channel", notifier.Channel),
                new KeyValuePair<string, object?>("succeeded", succeeded));
            await store.RecordDeliveryAsync(incident, transition, notifier.Channel, notifier.Target, succeeded,
                Math.Min(attempt, MaxAttempts), error, ct);
        }
    }
}
