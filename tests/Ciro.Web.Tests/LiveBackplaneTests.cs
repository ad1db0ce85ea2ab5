using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Ciro.LocalInfrastructure;
using Ciro.Messages;
using Ciro.Web.Live;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;

namespace Ciro.Web.Tests;

/// <summary>
/// Two web replicas on one real Redis (the SignalR backplane), each with a signed-in dashboard connection: a push
/// made through one replica reaches the browser on the other, and a message relayed by analytics — once, or twice
/// as two analytics replicas do — is pushed once in all, not once per web replica.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class LiveBackplaneTests(WebFixture fixture)
{
    /// <summary>How long to keep listening after the expected message for a duplicate that must not come.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_push_made_through_replica_A_reaches_a_dashboard_on_replica_B_exactly_once()
    {
        await using var a = fixture.Web();
        await using var b = fixture.Web();
        await using var onA = await Dashboard.ConnectAsync(a);
        await using var onB = await Dashboard.ConnectAsync(b);

        var kpi = new KpiInvalidated(KpiFamily.Gas, DateTimeOffset.Parse("2026-03-02T00:00:00Z"), DateTimeOffset.Parse("2026-03-03T00:00:00Z"));
        await a.Services.GetRequiredService<IHubContext<ActivityHub>>().Clients.All
            .SendAsync(MessageChannels.Kpis.HubMethod, kpi);

        var received = await onB.NextAsync(MessageChannels.Kpis.HubMethod);
        Assert.Equal(kpi, MessageSerializer.Deserialize<KpiInvalidated>(received.GetRawText()));
        await onA.NextAsync(MessageChannels.Kpis.HubMethod);
        await Task.Delay(Settle);
        Assert.Equal(1, onB.Count(MessageChannels.Kpis.HubMethod));
        Assert.Equal(1, onA.Count(MessageChannels.Kpis.HubMethod));
    }

    [Fact]
    public async Task A_relayed_block_is_pushed_once_across_two_replicas_even_when_analytics_relays_it_twice()
    {
        await using var a = fixture.Web();
        await using var b = fixture.Web();
        using var pushesA = Pushes(a);
        using var pushesB = Pushes(b);
        await using var onA = await Dashboard.ConnectAsync(a);
        await using var onB = await Dashboard.ConnectAsync(b);
        using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        await WaitForSubscribersAsync(redis, 2);
        // Each connection got the current jobs activity from its own replica when it connected.
        await onA.NextAsync(LiveActivityPublisher.JobsActivityMethod);
        await onB.NextAsync(LiveActivityPublisher.JobsActivityMethod);

        var block = new BlocksCommitted(41, 42, DateTimeOffset.Parse("2026-03-02T12:00:02Z"));
        var payload = MessageSerializer.Serialize(block);
        var channel = RedisChannel.Literal(MessageChannels.Blocks.Redis);
        // Two analytics replicas relay the same commit; both web replicas hear both copies.
        Assert.Equal(2, await redis.GetSubscriber().PublishAsync(channel, payload));
        Assert.Equal(2, await redis.GetSubscriber().PublishAsync(channel, payload));

        foreach (var dashboard in new[] { onA, onB })
        {
            var received = await dashboard.NextAsync(MessageChannels.Blocks.HubMethod);
            Assert.Equal(block, MessageSerializer.Deserialize<BlocksCommitted>(received.GetRawText()));
            await dashboard.NextAsync(LiveActivityPublisher.JobsActivityMethod, count: 2);
        }
        await Task.Delay(Settle);
        foreach (var dashboard in new[] { onA, onB })
        {
            Assert.Equal(1, dashboard.Count(MessageChannels.Blocks.HubMethod));
            // The initial one, and one refresh after the block (by the replica that pushed the block).
            Assert.Equal(2, dashboard.Count(LiveActivityPublisher.JobsActivityMethod));
        }
        Assert.Equal(1, Sum(pushesA, MessageChannels.Blocks.HubMethod) + Sum(pushesB, MessageChannels.Blocks.HubMethod));
        Assert.Equal(1, Sum(pushesA, LiveActivityPublisher.JobsActivityMethod) + Sum(pushesB, LiveActivityPublisher.JobsActivityMethod));

        // Another commit is another push.
        var next = new BlocksCommitted(43, 43, DateTimeOffset.Parse("2026-03-02T12:00:04Z"));
        await redis.GetSubscriber().PublishAsync(channel, MessageSerializer.Serialize(next));
        await onB.NextAsync(MessageChannels.Blocks.HubMethod, count: 2);
        await Task.Delay(Settle);
        Assert.Equal(2, onA.Count(MessageChannels.Blocks.HubMethod));
        Assert.Equal(2, onB.Count(MessageChannels.Blocks.HubMethod));
    }

    [Fact]
    public async Task With_Redis_down_at_start_the_web_starts_and_reports_Degraded()
    {
        var nothingListens = $"127.0.0.1:{FreePort.Next()},connectTimeout=500";
        await using var web = fixture.Web(("ConnectionStrings:cache", nothingListens));
        using var http = new HttpClient { BaseAddress = WebFixture.Address(web) };

        using var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
        var report = await web.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var cache = report.Entries[LiveBackplane.CacheName];
        Assert.Equal(HealthStatus.Degraded, cache.Status);
        Assert.Equal("Redis (cache) is unreachable: live updates are paused", cache.Description);
    }

    private static MetricCollector<long> Pushes(WebApplicationFactory<Program> web) =>
        new(web.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), LiveMetrics.MeterName, "ciro.web.pushes");

    private static long Sum(MetricCollector<long> pushes, string method) =>
        pushes.GetMeasurementSnapshot().Where(m => Equals(m.Tags["message"], method)).Sum(m => m.Value);

    /// <summary>Both replicas' publishers have subscribed to every channel (the last one subscribed is the last of
    /// <see cref="MessageChannels.All"/>).</summary>
    private static async Task WaitForSubscribersAsync(ConnectionMultiplexer redis, int replicas)
    {
        var last = MessageChannels.All[^1].Redis;
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var result = (RedisResult[])(await redis.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", last))!;
            if ((long)result[1] == replicas)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{replicas} web replicas never subscribed to {last}");
    }

    /// <summary>A signed-in dashboard's hub connection, recording every message by method.</summary>
    private sealed class Dashboard : IAsyncDisposable
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
        private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonElement>> _received = new();
        private readonly HubConnection _connection;
        private readonly SemaphoreSlim _arrived = new(0);

        private Dashboard(HubConnection connection)
        {
            _connection = connection;
            foreach (var method in MessageChannels.All.Select(c => c.HubMethod).Append(LiveActivityPublisher.JobsActivityMethod))
            {
                connection.On<JsonElement>(method, payload =>
                {
                    _received.GetOrAdd(method, _ => new()).Enqueue(payload);
                    _arrived.Release();
                });
            }
        }

        public static async Task<Dashboard> ConnectAsync(WebApplicationFactory<Program> web)
        {
            var cookies = new CookieContainer();
            using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = WebFixture.Address(web) };
            await WebAuthTests.SignInAsync(http, WebFixture.Viewer);
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(WebFixture.Address(web), "/hubs/activity"), o => o.Cookies = cookies)
                .Build();
            var dashboard = new Dashboard(connection);
            await connection.StartAsync();
            return dashboard;
        }

        public int Count(string method) => _received.TryGetValue(method, out var queue) ? queue.Count : 0;

        /// <summary>Waits until <paramref name="count"/> messages of <paramref name="method"/> have arrived; returns the last.</summary>
        public async Task<JsonElement> NextAsync(string method, int count = 1)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (Count(method) < count)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
                {
                    throw new TimeoutException($"{count} {method} message(s) did not arrive; got {Count(method)}");
                }
            }
            return _received[method].ElementAt(count - 1);
        }

        public async ValueTask DisposeAsync()
        {
            await _connection.DisposeAsync();
            _arrived.Dispose();
        }
    }
}
