using Ciro.Indexer.Tests.Infrastructure;

namespace Ciro.Indexer.Tests;

/// <summary>Reorgs of depth 1..10 while the service follows the head: after each, the stored chain is the
/// simulator's canonical chain, and every reorg is recorded with its depth and counted.</summary>
public sealed class ReorgTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Reorgs_of_depth_1_to_10_leave_the_canonical_chain_stored()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 40, eventsPerBlock: 6, blockIntervalMs: 400);
        var database = await postgres.NewDatabaseAsync();
        await using var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl);
        var reorgNotifications = new List<string>();
        await using var listener = await Notifications.ListenAsync(database, "ciro_reorg", reorgNotifications.Add);

        for (var depth = 1; depth <= 10; depth++)
        {
            // Reorg right after the indexer caught up, so the branch it replaces is stored.
            var head = await simulator.HeadAsync();
            await StoredChain.WaitForCursorAsync(database, head, TimeSpan.FromSeconds(20), () => indexer.Log);
            await simulator.ReorgAsync(depth);
            var newHead = await simulator.HeadAsync() + 1; // the next block builds on the new branch
            var cursor = await StoredChain.WaitForCursorAsync(database, newHead, TimeSpan.FromSeconds(20), () => indexer.Log);
            await StoredChain.AssertMatchesSimulatorAsync(database, simulator, Math.Max(0, cursor!.Value - 15), cursor.Value);
        }

        var final = await StoredChain.CursorAsync(database);
        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, 0, final!.Value);
        await StoredChain.AssertContiguousAsync(database, 0, final.Value);
        var depths = await StoredChain.ScalarAsync<int[]>(database, "select coalesce(array_agg(depth order by id), '{}') from ciro.reorgs");
        Assert.True(depths.Length == 10, $"reorgs recorded with depths [{string.Join(", ", depths)}]; indexer log:\n{indexer.Log}");
        for (var i = 0; i < 10; i++)
        {
            // A block sealed between "caught up" and the reorg request can make the rollback one block deeper.
            Assert.InRange(depths[i], i + 1, i + 2);
        }
        Assert.Equal(10, indexer.Sum("ciro.indexer.reorgs"));
        await Task.Delay(200);
        Assert.Equal(10, reorgNotifications.Count);
    }
}
