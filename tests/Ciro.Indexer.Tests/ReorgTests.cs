using Ciro.Indexer.Tests.Infrastructure;
using Ciro.Messages;

namespace Ciro.Indexer.Tests;

/// <summary>Reorgs of depth 1..10 while the service follows the head: after each, the stored chain is the
/// simulator's canonical chain, and every reorg is recorded with its depth and counted.</summary>
public sealed class ReorgTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Reorgs_of_depth_1_to_10_leave_the_canonical_chain_stored()
    {
        // The block timer is frozen and the test seals blocks itself: a block sealed on a timer between "caught
        // up" and the reorg could be replaced before the indexer ever stored it, and then there is no reorg to see.
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 40, eventsPerBlock: 6);
        var database = await postgres.NewDatabaseAsync();
        await using var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl);
        var reorgNotifications = new List<Reorg>();
        await using var listener = await Notifications.ListenAsync(database, MessageChannels.Reorgs.Postgres,
            payload => reorgNotifications.Add(MessageSerializer.Deserialize<Reorg>(payload)));

        for (var depth = 1; depth <= 10; depth++)
        {
            // Reorg right after the indexer caught up, so the branch it replaces is stored.
            await simulator.AdvanceAsync(1);
            var head = await simulator.HeadAsync();
            await StoredChain.WaitForCursorAsync(database, head, TimeSpan.FromSeconds(20), () => indexer.Log);
            await simulator.ReorgAsync(depth);
            await simulator.AdvanceAsync(1); // the next block builds on the new branch
            var newHead = await simulator.HeadAsync();
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
            Assert.Equal(i + 1, depths[i]);
        }
        Assert.Equal(10, indexer.Sum("ciro.indexer.reorgs"));
        await Task.Delay(200);
        Assert.Equal(10, reorgNotifications.Count);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(i + 1, reorgNotifications[i].Depth);
            Assert.Equal(ReorgReason.Reorg, reorgNotifications[i].Reason);
        }
    }
}
