using Ciro.Alerts.Delivery;

namespace Ciro.Alerts.Notifiers;

/// <summary>One channel (email, Discord, Telegram, webhook). The outbox asks it whom a message goes to when the
/// incident changes, and the dispatcher asks it to deliver each notification; it throws on failure and the
/// dispatcher retries and audits every attempt.</summary>
public interface IAlertNotifier
{
    string Channel { get; }

    /// <summary>Recipients of <paramref name="message"/> on this channel: addresses, chat ids or route names, never a
    /// secret (they are stored with the notification and shown in the audit trail).</summary>
    IReadOnlyList<string> RecipientsOf(AlertMessage message);

    Task DeliverAsync(Notification notification, CancellationToken cancellationToken);
}
