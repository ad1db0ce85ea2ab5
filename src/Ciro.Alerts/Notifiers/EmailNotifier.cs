using System.Security.Cryptography;
using System.Text;
using Ciro.Alerts.Delivery;
using Ciro.Alerts.Rules;
using Ciro.Mail;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Ciro.Alerts.Notifiers;

/// <summary>Email through MailKit to the SMTP server named by ConnectionStrings:mail (smtp[s]://[user:password@]host:port),
/// one message per recipient of Alerts:Email:To so one bad address does not hold back the others.</summary>
public sealed class EmailNotifier(SmtpEndpoint endpoint, IOptions<AlertsOptions> options, ILogger<EmailNotifier> logger) : IAlertNotifier
{
    public string Channel => "email";

    public IReadOnlyList<string> RecipientsOf(AlertMessage message) => options.Value.Email.To;

    public async Task DeliverAsync(Notification notification, CancellationToken cancellationToken)
    {
        var alert = notification.Message;
        var email = new MimeMessage();
        email.From.Add(MailboxAddress.Parse(options.Value.Email.From));
        email.To.Add(MailboxAddress.Parse(notification.Recipient));
        email.Subject = alert.Title;
        // The same Message-Id on every attempt: a relay or mailbox that saw the first copy can drop a retried one.
        email.MessageId = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(notification.IdempotencyKey)))[..32]}@ciro-alerts";
        if (alert.GroupKey is { } group)
        {
            email.Headers.Add("X-Ciro-Group", group);
        }
        else
        {
            email.Headers.Add("X-Ciro-Incident", alert.IncidentId.ToString());
        }
        email.Headers.Add("X-Ciro-Idempotency-Key", notification.IdempotencyKey);
        email.Body = new TextPart("plain") { Text = alert.Text };

        await endpoint.SendAsync(email, cancellationToken, quitFailed: ex =>
            logger.LogDebug("SMTP QUIT after notification {NotificationId} was accepted failed: {Error}", notification.Id, ex.Message));
    }
}
