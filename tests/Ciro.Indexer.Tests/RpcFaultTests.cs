using Ciro.Indexer.Tests.Infrastructure;

namespace Ciro.Indexer.Tests;

/// <summary>Every RPC fault the simulator injects, during a backfill: the indexer neither crashes nor skips a
/// block, and the faults show up in its error and retry counters.</summary>
public sealed class RpcFaultTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private Simulator _simulator = null!;

    public async Task InitializeAsync() => _simulator = await Simulator.StartAsync(pregenerateBlocks: 300, eventsPerBlock: 8);

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Theory]
    [InlineData("latency")]
    [InlineData("429")]
    [InlineData("500")]
    [InlineData("rpc-error")]
    [InlineData("malformed")]
    [InlineData("truncated")]
    [InlineData("drop")]
    public async Task Backfill_completes_without_gaps_and_counts_the_faults(string kind)
    {
        var database = await postgres.NewDatabaseAsync();
        var head = await _simulator.HeadAsync();
        var injectedBefore = (await _simulator.InjectedFaultsAsync()).GetValueOrDefault(kind);
        // A malformed answer to a batch is an object, which the RPC client takes as "this node does not do
        // batches" and fetches block by block from then on: at 30% the run takes minutes, so 10% here.
        await _simulator.SetFaultsAsync(kind, probability: kind == "malformed" ? 0.1 : 0.3, latencyMs: 40);
        try
        {
            // Small batches: more requests, so the faults hit many of them. A failed step backs off at most 200 ms:
            // rpc-error and truncated answers are not retried by the client, so at 30% a batch of three requests fails
            // about twice before it commits, and the host's 1 s cap made each of those runs wait about a minute.
            await using var indexer = await IndexerHost.StartAsync(database, _simulator.RpcUrl,
                new() { ["Indexer:BatchSize"] = "10", ["Indexer:MaxRetryBackoff"] = "00:00:00.200" });
            // Three requests a batch (blocks, traces, state updates), each failing 30% of the time: under load the run
            // has reached block 298 of 300 at 60 s, so the bound is generous; what is checked is no gap and the counts.
            await StoredChain.WaitForCursorAsync(database, head, TimeSpan.FromSeconds(150), () => indexer.Log);

            var injected = (await _simulator.InjectedFaultsAsync()).GetValueOrDefault(kind) - injectedBefore;
            Assert.True(injected > 0, $"the simulator injected no {kind} fault");
            if (kind != "latency")
            {
                var seen = indexer.Sum("ciro.rpc.errors") + indexer.Sum("ciro.indexer.failures");
                Assert.True(seen > 0, $"{injected} {kind} faults injected, none counted: {string.Join(", ", indexer.Measurements)}");
                Assert.True(indexer.Sum("ciro.rpc.retries") + indexer.Sum("ciro.indexer.failures") > 0, "faults were not retried");
            }
        }
        finally
        {
            await _simulator.SetFaultsAsync("none");
        }
        await StoredChain.AssertContiguousAsync(database, 0, head);
        await StoredChain.AssertMatchesSimulatorAsync(database, _simulator, head - 20, head);
        Assert.Equal((await _simulator.StateAsync()).GetProperty("counts").GetProperty("events").GetInt64(),
            await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.events"));
    }
}
