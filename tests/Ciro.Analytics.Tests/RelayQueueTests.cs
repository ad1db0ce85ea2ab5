using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ciro.Analytics.Notifications;
using Ciro.Messages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using StackExchange.Redis;

namespace Ciro.Analytics.Tests;

/// <summary>The relay's processor on real PostgreSQL NOTIFYs and real Redis: a failing batch does not end its loop
/// (the batch is replaced by a resync after the backoff), and a queue overflow drops exactly what does not fit,
/// counts it, and publishes one resync (reason dropped) instead. The batch is made to fail or wait through the
/// relay's <c>BeforeBatch</c> seam (no dependency failure reaches the loop: Redis failures are caught).</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class RelayQueueTests(AnalyticsFixture fixture)
{
    private static readonly DateTimeOffset HeadTime = DateTimeOffset.Parse("2026-03-02T12:00:00Z");

    [Fact]
    public async Task A_failing_batch_is_reported_then_replaced_by_a_resync_after_the_backoff_and_the_loop_goes_on()
    {
        var clock = new FakeTimeProvider(HeadTime);
        await using var db = await fixture.NewDatabaseAsync(KnownChain.Standard().Blocks);
        await using var app = fixture.App(db).WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var published = await SubscribeAsync(redis);
        var relay = RelayOf(app);
        await NotifyAsync(db, new BlocksCommitted(1, 1, HeadTime));
        Assert.Equal<CiroMessage>(new BlocksCommitted(1, 1, HeadTime), await NextAsync(published)); // the start's batch is done

        var calls = 0;
        relay.BeforeBatch = _ => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("batch handling failed (test)")
            : Task.CompletedTask;
        await NotifyAsync(db, new BlocksCommitted(2, 2, HeadTime));
        await WaitUntilAsync(async () => (await LoopsAsync(app)).Status == HealthStatus.Unhealthy, "unhealthy after the failure");
        Assert.Equal(
            $"{ChainNotificationRelay.ProcessorLoop} is down: InvalidOperationException: batch handling failed (test)",
            (await LoopsAsync(app)).Description);

        // The backoff runs on the clock: a notification meanwhile waits in the queue, behind the failed batch's resync.
        await NotifyAsync(db, new BlocksCommitted(3, 3, HeadTime));
        await WaitUntilAsync(() => Task.FromResult(relay.Queued == 2), "the resync and the notification queued");
        Assert.False(published.TryTake(out _, TimeSpan.FromMilliseconds(500)), "published during the backoff");
        clock.Advance(BackgroundLoop.FirstBackoff);
        var after = new[] { await NextAsync(published), await NextAsync(published) };
        Assert.Equal(2, calls);
        Assert.Contains((CiroMessage)new Resync(ResyncReason.Dropped), after);
        Assert.Contains((CiroMessage)new BlocksCommitted(3, 3, HeadTime), after);
        await WaitUntilAsync(async () => (await LoopsAsync(app)).Status == HealthStatus.Healthy, "healthy after the retry");
        Assert.False(published.TryTake(out var extra, TimeSpan.FromMilliseconds(300)), $"published more: {extra}");
    }

    [Fact]
    public async Task An_overflow_drops_what_does_not_fit_counts_it_and_publishes_one_resync()
    {
        const int Extra = 100;
        await using var db = await fixture.NewDatabaseAsync(KnownChain.Standard().Blocks);
        await using var app = fixture.App(db);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var published = await SubscribeAsync(redis);
        var relay = RelayOf(app);
        long drops = 0;
        using var dropCounter = CountOf(app.Services.GetRequiredService<AnalyticsMetrics>().NotificationDrops, v => Interlocked.Add(ref drops, v));
        await NotifyAsync(db, new BlocksCommitted(1, 1, HeadTime));
        Assert.Equal<CiroMessage>(new BlocksCommitted(1, 1, HeadTime), await NextAsync(published)); // the start's batch is done

        // Hold the processor inside a batch of one message, so the queue is empty and nothing reads it.
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        relay.BeforeBatch = async _ =>
        {
            entered.TrySetResult();
            await gate.Task;
        };
        await NotifyAsync(db, new BlocksCommitted(2, 2, HeadTime));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, relay.Queued);

        // Capacity + Extra notifications (distinct payloads: PostgreSQL folds identical ones in a transaction).
        var flood = Enumerable.Range(0, ChainNotificationRelay.QueueCapacity + Extra)
            .Select(i => new BlocksCommitted(1000 + i, 1000 + i, HeadTime)).ToList();
        await NotifyAsync(db, [.. flood]);
        await WaitUntilAsync(() => Task.FromResult(Interlocked.Read(ref drops) >= Extra), $"{Extra} drops");
        await Task.Delay(300);
        Assert.Equal(Extra, Interlocked.Read(ref drops));
        Assert.Equal(ChainNotificationRelay.QueueCapacity, relay.Queued);
        Assert.Empty(published);

        gate.SetResult();
        var messages = new List<CiroMessage>();
        for (var i = 0; i < 1 + ChainNotificationRelay.QueueCapacity + 1; i++)
        {
            messages.Add(await NextAsync(published));
        }
        Assert.False(published.TryTake(out var extra, TimeSpan.FromMilliseconds(500)), $"published more: {extra}");
        // The held message, then the first QueueCapacity of the flood in order, and one resync for the last Extra.
        Assert.Equal(
            new[] { new BlocksCommitted(2, 2, HeadTime) }.Concat(flood.Take(ChainNotificationRelay.QueueCapacity)).ToList(),
            messages.OfType<BlocksCommitted>().ToList());
        Assert.Equal(new[] { new Resync(ResyncReason.Dropped) }, messages.OfType<Resync>().ToArray());
        Assert.Equal(0, relay.Queued);
        Assert.Equal(Extra, Interlocked.Read(ref drops));
    }

    private static ChainNotificationRelay RelayOf(WebApplicationFactory<Queries.AnalyticsQueries> app) =>
        app.Services.GetServices<IHostedService>().OfType<ChainNotificationRelay>().Single();

    /// <summary>Everything the relay publishes on the blocks and resync channels of Redis, in arrival order.</summary>
    private static async Task<BlockingCollection<CiroMessage>> SubscribeAsync(ConnectionMultiplexer redis)
    {
        var published = new BlockingCollection<CiroMessage>();
        var queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(MessageChannels.Blocks.Redis));
        queue.OnMessage(m => published.Add(MessageSerializer.Deserialize(MessageChannels.Blocks, m.Message!)));
        var resyncs = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(MessageChannels.Resyncs.Redis));
        resyncs.OnMessage(m => published.Add(MessageSerializer.Deserialize(MessageChannels.Resyncs, m.Message!)));
        return published;
    }

    private static async Task<CiroMessage> NextAsync(BlockingCollection<CiroMessage> published) =>
        await Task.Run(() => published.TryTake(out var message, TimeSpan.FromSeconds(30))
            ? message
            : throw new TimeoutException("nothing published on Redis within 30 s"));

    /// <summary>NOTIFYs the messages in one transaction, as the indexer does inside its commit.</summary>
    private static async Task NotifyAsync(NpgsqlDataSource db, params CiroMessage[] messages)
    {
        await using var command = db.CreateCommand("select count(pg_notify(c, p)) from unnest(@channels, @payloads) as m(c, p)");
        command.Parameters.AddWithValue("channels", messages.Select(m => MessageChannels.Of(m).Postgres).ToArray());
        command.Parameters.AddWithValue("payloads", messages.Select(m => MessageSerializer.Serialize(m)).ToArray());
        await command.ExecuteScalarAsync();
    }

    private static async Task<HealthReportEntry> LoopsAsync(WebApplicationFactory<Queries.AnalyticsQueries> app) =>
        (await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == BackgroundLoopHealth.CheckName))
            .Entries[BackgroundLoopHealth.CheckName];

    private static MeterListener CountOf(Counter<long> counter, Action<long> add)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, counter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => add(value));
        listener.Start();
        return listener;
    }

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
