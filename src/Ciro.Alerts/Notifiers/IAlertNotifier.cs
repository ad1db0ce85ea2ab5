using Ciro.Alerts.Incidents;

namespace Ciro.Alerts.Notifiers;

/// <summary>One way to deliver an incident's state change to one channel (email now; Discord, Telegram and
/// webhooks implement the same interface). Throws on failure; the dispatcher retries and records each attempt.</summary>
public interface IAlertNotifier
{
    string Channel { get; }

    /// <summary>Where this channel delivers, for the audit trail (never a secret).</summary>
    string Target { get; }

    Task NotifyAsync(Incident incident, IncidentTransition transition, CancellationToken cancellationToken);
}
