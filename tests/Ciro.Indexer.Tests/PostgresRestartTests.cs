using Ciro.Indexer.Tests.Infrastructure;

namespace Ciro.Indexer.Tests;

/// <summary>PostgreSQL killed and restarted in the middle of a backfill: the service waits, reconnects, takes the
/// lease again and finishes with exactly the simulated chain.</summary>
public sealed class PostgresRestartTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Backfill_survives_a_database_restart()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 3000, eventsPerBlock: 30);
        var database = await postgres.NewDatabaseAsync();
        var head = await simulator.HeadAsync();
        // Small batches keep the backfill going long enough to be hit.
        await using var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl, new() { ["Indexer:BatchSize"] = "5" });
        var before = await StoredChain.WaitForCursorAsync(database, 50, TimeSpan.FromSeconds(30), () => indexer.Log);
        Assert.True(before < head - 100, $"the backfill was nearly done ({before} of {head}) before the restart");

        await postgres.Server.RestartAsync(TimeSpan.FromSeconds(2));

        await StoredChain.WaitForCursorAsync(database, head, TimeSpan.FromSeconds(60), () => indexer.Log);
        await StoredChain.AssertContiguousAsync(database, 0, head);
        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, before!.Value - 10, before.Value + 10);
        Assert.Equal((await simulator.StateAsync()).GetProperty("counts").GetProperty("events").GetInt64(),
            await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.events"));
        Assert.True(indexer.Sum("ciro.indexer.failures") > 0, "the outage was not counted as a failure");
    }
}
