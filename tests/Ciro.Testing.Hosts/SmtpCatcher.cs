using System.Buffers;
using System.Collections.Concurrent;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Ciro.Testing;

/// <summary>A real SMTP server (the SmtpServer library) on a free loopback port that keeps what it receives.
/// It can refuse mail for a while, to test delivery retries; started on the port of a server that was "down"
/// (nothing listening: connections refused) it brings that server back up.</summary>
public sealed class SmtpCatcher : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    /// <param name="login">When set, the server requires this user and password (AUTH PLAIN/LOGIN), as a hosted
    /// relay does, and <see cref="ConnectionString"/> carries them.</param>
    public SmtpCatcher(System.Net.NetworkCredential? login = null, int? port = null)
    {
        Port = port ?? Ciro.LocalInfrastructure.FreePort.Next();
        _login = login;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(b => b
            .Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, Port))
            .AuthenticationRequired(login is not null)
            .AllowUnsecureAuthentication(login is not null)).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new CatchingStore(this));
        if (login is not null)
        {
            services.Add(new SmtpServer.Authentication.DelegatingUserAuthenticator((user, password) =>
            {
                var ok = user == login.UserName && password == login.Password;
                if (!ok)
                {
                    Interlocked.Increment(ref RefusedLogins);
                }
                return ok;
            }));
        }
        var server = new SmtpServer.SmtpServer(options, services);
        _running = server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    private readonly System.Net.NetworkCredential? _login;

    public string ConnectionString => _login is null
        ? $"smtp://127.0.0.1:{Port}"
        : $"smtp://{Uri.EscapeDataString(_login.UserName)}:{Uri.EscapeDataString(_login.Password)}@127.0.0.1:{Port}";

    /// <summary>Logins refused so far (wrong user or password).</summary>
    public int RefusedLogins;

    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    /// <summary>Refuse this many messages (transient 451) before accepting again.</summary>
    public int RefuseNext;

    public async Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = Messages.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no matching email within {timeout}; received: {string.Join(" | ", Messages.Select(m => m.Subject))}");
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class CatchingStore(SmtpCatcher owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref owner.RefuseNext) >= 0)
            {
                return new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "try later");
            }
            await using var stream = new MemoryStream(buffer.ToArray());
            owner.Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
