using Ciro.Indexer.Tests.Infrastructure;

namespace Ciro.Indexer.Tests;

/// <summary>The service backfills a pre-generated history, then follows new blocks; every stored block equals what
/// the simulator says it produced.</summary>
public sealed class BackfillFollowTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Backfills_then_follows_and_stores_exactly_the_simulated_chain()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 150, eventsPerBlock: 12, blockIntervalMs: 300);
        var database = await postgres.NewDatabaseAsync();
        var pregeneratedHead = await simulator.HeadAsync();

        await using var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl);
        await StoredChain.WaitForCursorAsync(database, pregeneratedHead, TimeSpan.FromSeconds(60), () => indexer.Log);
        // Following: blocks produced after the backfill arrive too.
        var later = await simulator.HeadAsync() + 3;
        var cursor = await StoredChain.WaitForCursorAsync(database, later, TimeSpan.FromSeconds(20), () => indexer.Log);

        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, 0, cursor!.Value);
        await StoredChain.AssertContiguousAsync(database, 0, cursor.Value);

        // Decoded fields: every named event has its fields as JSONB, with the keys the ABI declares.
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.events where name is not null and decoded is null"));
        Assert.True(await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.events where name = 'Transfer' and decoded ? 'value'") > 0);
        Assert.True(await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.events where name = 'JobSubmitted'") > 0);
        // Multicall calls: every invoke has at least one (contract, function) row, function names from the ABIs.
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.transactions t where t.tx_type = 'INVOKE'
              and not exists (select 1 from ciro.tx_calls c where c.block_number = t.block_number and c.tx_index = t.tx_index)
            """));
        Assert.True(await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.tx_calls where function_name is not null") > 0);
        Assert.True(indexer.Sum("ciro.indexer.events") > 0);
    }
}
