using System.Security.Cryptography;
using System.Text;
using Ciro.Alerts.Delivery;
using Ciro.Alerts.Rules;
using MailKit.Net.Smtp;
using MailKit.Security;
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

        using var client = new SmtpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.UseTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
        if (endpoint.Credentials is { } credentials)
        {
            await client.AuthenticateAsync(credentials.UserName, credentials.Password, cancellationToken);
        }
        await client.SendAsync(email, cancellationToken);
        // The server has taken the message: the attempt succeeded whatever happens to the QUIT. Failing it here (a
        // timeout, a dropped connection) would send the message a second time.
        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or MailKit.ProtocolException or MailKit.CommandException)
        {
            logger.LogDebug("SMTP QUIT after notification {NotificationId} was accepted failed: {Error}", notification.Id, ex.Message);
        }
    }
}

/// <summary>Parsed from ConnectionStrings:mail, e.g. <c>smtp://127.0.0.1:2525</c> (smtps:// for STARTTLS). A relay
/// that needs a login (SendGrid, Azure Communication Services, Office 365) takes it from the user info:
/// <c>smtps://user:password@host:587</c>, URL-encoded.</summary>
public sealed record SmtpEndpoint(string Host, int Port, bool UseTls, System.Net.NetworkCredential? Credentials = null)
{
    public static SmtpEndpoint Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:mail is not set; expected smtp://host:port.");
        }
        var text = connectionString.StartsWith("Endpoint=", StringComparison.OrdinalIgnoreCase) ? connectionString["Endpoint=".Length..] : connectionString;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("smtp" or "smtps") || uri.Port <= 0)
        {
            // The value may hold a password: the message names the expected shape, not the value.
            throw new InvalidOperationException("ConnectionStrings:mail is not smtp[s]://[user:password@]host:port.");
        }
        System.Net.NetworkCredential? credentials = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            credentials = new System.Net.NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : "");
        }
        return new SmtpEndpoint(uri.Host, uri.Port, uri.Scheme == "smtps", credentials);
    }
}
