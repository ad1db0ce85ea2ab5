using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Ciro.Mail;

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

    /// <summary>Sends one message over a connection of its own (MailKit): connect, STARTTLS when smtps, log in when
    /// the endpoint has credentials. The alerts' email channel and the periodic reports both send through here.</summary>
    /// <param name="quitFailed">Told when the QUIT after an accepted message fails; the send has succeeded.</param>
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken, Action<Exception>? quitFailed = null)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(Host, Port, UseTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
        if (Credentials is { } credentials)
        {
            await client.AuthenticateAsync(credentials.UserName, credentials.Password, cancellationToken);
        }
        await client.SendAsync(message, cancellationToken);
        // The server has taken the message: the send succeeded whatever happens to the QUIT. Failing it here (a
        // timeout, a dropped connection) would send the message a second time.
        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or MailKit.ProtocolException or MailKit.CommandException)
        {
            quitFailed?.Invoke(ex);
        }
    }
}
