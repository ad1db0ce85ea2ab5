using System.Collections.Concurrent;
using System.Net;
using Ciro.Analytics.Notifications;
using Ciro.Messages;
using Ciro.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using StackExchange.Redis;

namespace Ciro.Analytics.Tests;

/// <summary>
/// The relay's LISTEN connection goes to PostgreSQL through a loopback proxy that then goes silent the way a dropped
/// route does (no FIN, no RST: TCP keepalive is answered by the proxy's kernel and never notices). The quiet
/// connection's probe times out, /health names the listener down, and once the path forwards again and the backoff
/// has passed the relay listens on a new connection, publishes exactly one Resync(Reconnected), and relays the next
/// block. The probe is shortened through the relay's seams (production: 10 s + 10 s), so the real-time waits below
/// only bound a hang. The backoff runs on a fake clock, so the reconnect happens only after the path is back.
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class ListenBlackholeTests(AnalyticsFixture fixture)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-02T12:00:00Z");
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_silently_dropped_listen_connection_is_reported_down_then_replaced_with_one_resync_and_blocks_flow_again()
    {
        var clock = new FakeTimeProvider(Now);
        await using var db = await fixture.NewDatabaseAsync(KnownChain.Standard().Blocks);
        await using var proxy = new BlackholeProxy(new IPEndPoint(IPAddress.Loopback, new NpgsqlConnectionStringBuilder(db.ConnectionString).Port));
        // Every connection of the service goes through the proxy (the whole route is lost, as in production);
        // the test's own connections (db) go straight to PostgreSQL.
        var throughProxy = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
        // The report scheduler off: Quartz's cluster check-ins would go through the proxy too and hang until their own
        // timeout; they are not under test here.
        await using var app = fixture.App(db, ("ConnectionStrings:ciro", DatabaseRoles.ConnectionStringAs(throughProxy, DatabaseRoles.Analytics)),
                ("Ciro:Reports:Enabled", "false"))
            .WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            {
                s.AddSingleton<TimeProvider>(clock);
                ShortenProbe(s);
            }));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var published = await SubscribeAsync(redis);
        var lastFamily = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(MessageChannels.Kpis.Redis))).OnMessage(m =>
        {
            if (MessageSerializer.Deserialize(MessageChannels.Kpis, m.Message!) is KpiInvalidated { Family: var family }
                && family == Enum.GetValues<KpiFamily>().Last())
            {
                lastFamily.TrySetResult();
            }
        });
        var http = app.CreateClient(); // starts the host
        var relay = app.Services.GetServices<IHostedService>().OfType<ChainNotificationRelay>().Single();
        Assert.Equal((ProbeInterval, ProbeTimeout), (relay.ListenProbeInterval, relay.ListenProbeTimeout));

        // The start's rollup pass (the chain's hours; the last family is published last) is over. It is requested
        // only once the LISTEN has succeeded, so the relay is listening through the proxy, and nothing else uses
        // the path when it goes silent.
        await lastFamily.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitUntilAsync(async () => (await LoopsAsync(app)).Status == HealthStatus.Healthy, "healthy at start");

        proxy.Blackhole();
        // Bound on a hang: interval 0.2 s + timeout 1 s + Npgsql's cancel attempt (2 s), well inside 30 s.
        await WaitUntilAsync(async () => (await LoopsAsync(app)).Status == HealthStatus.Unhealthy, "the listener reported down");
        var down = (await LoopsAsync(app)).Description;
        Assert.StartsWith($"{ChainNotificationRelay.ListenerLoop} is down: NpgsqlException: ", down);
        Assert.Empty(published);

        // The path is back; the listener reconnects only when the backoff (on the clock) has passed. Until then
        // /health (whose database check needs the path) answers 503 for the listener.
        proxy.Forward();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health")).StatusCode);
        Assert.False(published.TryTake(out var early, TimeSpan.FromMilliseconds(500)), $"published during the backoff: {early}");
        clock.Advance(BackgroundLoop.FirstBackoff);
        Assert.Equal<CiroMessage>(new Resync(ResyncReason.Reconnected), await NextAsync(published));
        await WaitUntilAsync(async () => (await LoopsAsync(app)).Status == HealthStatus.Healthy, "healthy after the reconnect");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

        // Listening again: the next block reaches Redis, and nothing else was published (one resync only).
        var blockTime = Now; // block 7, after the chain's block 6 at 11:00:10
        await KnownChain.InsertAsync(db, [new KnownChain.Block(7, blockTime, [new KnownChain.Tx(KnownChain.C2, [new KnownChain.Call(KnownChain.Token, "transfer")], 2000, 300)])], notify: true);
        Assert.Equal<CiroMessage>(new BlocksCommitted(7, 7, blockTime), await NextAsync(published));
        Assert.False(published.TryTake(out var extra, TimeSpan.FromMilliseconds(500)), $"published more: {extra}");
    }

    /// <summary>Replaces the relay's registration, in place, with one whose probe is short from its first wait.</summary>
    private static void ShortenProbe(IServiceCollection services)
    {
        var index = services.ToList().FindIndex(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ChainNotificationRelay));
        Assert.True(index >= 0, "the relay's hosted-service registration");
        services[index] = ServiceDescriptor.Singleton<IHostedService>(sp =>
        {
            var relay = ActivatorUtilities.CreateInstance<ChainNotificationRelay>(sp);
            relay.ListenProbeInterval = ProbeInterval;
            relay.ListenProbeTimeout = ProbeTimeout;
            return relay;
        });
    }

    /// <summary>Everything the relay publishes on the blocks and resync channels of Redis, in arrival order.</summary>
    private static async Task<BlockingCollection<CiroMessage>> SubscribeAsync(ConnectionMultiplexer redis)
    {
        var published = new BlockingCollection<CiroMessage>();
        var blocks = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(MessageChannels.Blocks.Redis));
        blocks.OnMessage(m => published.Add(MessageSerializer.Deserialize(MessageChannels.Blocks, m.Message!)));
        var resyncs = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(MessageChannels.Resyncs.Redis));
        resyncs.OnMessage(m => published.Add(MessageSerializer.Deserialize(MessageChannels.Resyncs, m.Message!)));
        return published;
    }

    private static async Task<CiroMessage> NextAsync(BlockingCollection<CiroMessage> published) =>
        await Task.Run(() => published.TryTake(out var message, TimeSpan.FromSeconds(30))
            ? message
            : throw new TimeoutException("nothing published on Redis within 30 s"));

    private static async Task<HealthReportEntry> LoopsAsync(WebApplicationFactory<Queries.AnalyticsQueries> app) =>
        (await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == BackgroundLoopHealth.CheckName))
            .Entries[BackgroundLoopHealth.CheckName];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("never: " + what);
    }
}
