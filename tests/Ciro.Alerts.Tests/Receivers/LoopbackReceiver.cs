using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ciro.Alerts.Tests.Receivers;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, a free port) standing in for a third-party receiver. It counts what it
/// accepted per idempotency key, so "arrived exactly once" is read on the receiver's side; while <see cref="Down"/>
/// it drops every connection without an answer, as a crashed receiver would.
/// </summary>
public abstract class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _accepted = new(StringComparer.Ordinal);
    private int _requests;

    protected LoopbackReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _requests);
            if (Down)
            {
                context.Abort();
                return;
            }
            await next(context);
        });
        Map(_app);
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>While true, every connection is dropped without an answer.</summary>
    public volatile bool Down;

    /// <summary>Every request that reached the server, refused or not.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Accepted messages per idempotency key (a second copy of one key is counted, not hidden).</summary>
    public IReadOnlyDictionary<string, int> AcceptedByKey => _accepted;

    /// <summary>Accepted messages, duplicates included.</summary>
    public int Accepted => _accepted.Values.Sum();

    /// <summary>Why requests were rejected as malformed (payload shape, limits, signature): a correct sender makes none.</summary>
    public ConcurrentQueue<string> Rejections { get; } = new();

    protected abstract void Map(IEndpointRouteBuilder routes);

    protected void Accept(string idempotencyKey) => _accepted.AddOrUpdate(idempotencyKey, 1, (_, n) => n + 1);

    protected IResult Reject(string why)
    {
        Rejections.Enqueue(why);
        return Results.BadRequest(new { message = why });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
