using System.Diagnostics;
using Ciro.Indexer.Tests.Infrastructure;
using Ciro.LocalInfrastructure;

namespace Ciro.Indexer.Tests;

/// <summary>New heads over the node's websocket wake the follower at once; without a usable websocket the
/// indexer follows by polling, counts the failures and says so once.</summary>
public sealed class WebSocketFollowTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_new_head_notification_commits_the_block_long_before_the_poll_would()
    {
        // Frozen block timer; the ws URL is derived from the RPC URL (http://host:port/rpc → ws://host:port/ws),
        // as the AppHost configures it.
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 5, eventsPerBlock: 3);
        var database = await postgres.NewDatabaseAsync();
        await using var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl, new()
        {
            ["Indexer:PollInterval"] = "00:00:30",
            ["Indexer:PollIntervalWhileSubscribed"] = "00:00:30",
        });
        var head = await simulator.HeadAsync();
        await StoredChain.WaitForCursorAsync(database, head, Eventually, () => indexer.Log);
        // Subscribed from "latest": the node's first notification is its current head.
        await WaitUntilAsync(() => indexer.Sum("ciro.indexer.head_notifications") >= 1, () => indexer.Log);
        Assert.Equal(1, indexer.Gauge("ciro.indexer.websocket_connected"));

        for (var i = 1; i <= 2; i++)
        {
            var clock = Stopwatch.StartNew();
            await simulator.AdvanceAsync(1);
            await StoredChain.WaitForCursorAsync(database, head + i, TimeSpan.FromSeconds(5), () => indexer.Log);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"block {head + i} committed after {clock.Elapsed} (poll interval 30 s)");
        }

        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, 0, head + 2);
        Assert.True(indexer.Sum("ciro.indexer.head_notifications", "kind", "new_head") >= 3);
        Assert.Equal(0, indexer.Sum("ciro.indexer.websocket_failures"));
    }

    [Fact]
    public async Task A_bogus_websocket_url_falls_back_to_polling_counts_failures_and_logs_once()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 5, eventsPerBlock: 3);
        var database = await postgres.NewDatabaseAsync();
        await using var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl, new()
        {
            ["Starknet:WebSocketUrl"] = $"ws://127.0.0.1:{FreePort.Next()}/ws", // nothing listens there
            ["Indexer:WebSocketRetryDelay"] = "00:00:00.100",
            ["Indexer:MaxWebSocketRetryDelay"] = "00:00:00.200",
        });
        var head = await simulator.HeadAsync();
        await StoredChain.WaitForCursorAsync(database, head, Eventually, () => indexer.Log);
        await simulator.AdvanceAsync(2);
        await StoredChain.WaitForCursorAsync(database, head + 2, Eventually, () => indexer.Log);
        await WaitUntilAsync(() => indexer.Sum("ciro.indexer.websocket_failures", "stage", "connect") >= 3, () => indexer.Log);

        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, 0, head + 2);
        Assert.Equal(0, indexer.Sum("ciro.indexer.head_notifications"));
        Assert.Equal(0, indexer.Gauge("ciro.indexer.websocket_connected"));
        var warnings = indexer.Log.Split('\n').Count(l => l.Contains("New heads: websocket", StringComparison.Ordinal));
        Assert.True(warnings == 1, $"expected one fallback line for several failed attempts:\n{indexer.Log}");
        Assert.Equal(0, indexer.Sum("ciro.indexer.failures"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"condition not met within {Eventually}. {diagnostics()}");
            }
            await Task.Delay(20);
        }
    }
}
