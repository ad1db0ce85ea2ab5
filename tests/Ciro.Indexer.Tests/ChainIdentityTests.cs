using Ciro.Indexer.Following;
using Ciro.Indexer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ciro.Indexer.Tests;

/// <summary>What retrying cannot fix halts the indexer, loudly and once: a database holding another chain is
/// refused before anything is written; a reorg deeper than Indexer:MaxReorgDepth deletes nothing. Both report
/// unhealthy with the reason, record it in ciro.indexer_status, and resume after a reindex.</summary>
public sealed class ChainIdentityTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    // Short enough that the halted follower looks again many times during the test: the message must still be once.
    private static readonly Dictionary<string, string?> QuickRecheck = new() { ["Indexer:HaltedRecheckInterval"] = "00:00:00.200" };

    public enum OtherChain
    {
        /// <summary>Same chain id, other blocks: a reset node, a new simulator chain.</summary>
        SameIdOtherBlocks,
        /// <summary>Another network behind the same database.</summary>
        OtherChainId,
        /// <summary>A database indexed before identities were recorded: its lowest block is the anchor.</summary>
        NoIdentityRecorded,
    }

    [Theory]
    [InlineData(OtherChain.SameIdOtherBlocks, "both are chain SN_CIRO_SIM, but block 0 is 0x")]
    [InlineData(OtherChain.OtherChainId, "the database holds chain SN_CIRO_SIM, the node is chain SN_OTHER_NET")]
    [InlineData(OtherChain.NoIdentityRecorded, "both are chain SN_CIRO_SIM, but block 0 is 0x")]
    public async Task A_database_holding_another_chain_is_refused_once_and_nothing_is_written(OtherChain other, string difference)
    {
        var database = await postgres.NewDatabaseAsync();
        await using (var first = await Simulator.StartAsync(pregenerateBlocks: 30, eventsPerBlock: 6))
        await using (var indexer = await IndexerHost.StartAsync(database, first.RpcUrl))
        {
            await StoredChain.WaitForCursorAsync(database, 30, TimeSpan.FromSeconds(30), () => indexer.Log);
        }
        var identity = await IdentityAsync(database);
        Assert.StartsWith("0x", identity); // recorded with the first batch
        if (other == OtherChain.NoIdentityRecorded)
        {
            await StoredChain.ScalarAsync<int>(database, "with d as (delete from ciro.chain_identity returning 1) select count(*)::int from d");
        }
        var before = await StoredChain.ChecksumsAsync(database);

        await using var second = other == OtherChain.OtherChainId
            ? await Simulator.StartAsync(pregenerateBlocks: 40, eventsPerBlock: 6, chainId: "SN_OTHER_NET")
            : await Simulator.StartAsync(pregenerateBlocks: 40, eventsPerBlock: 6, seed: 43);
        await using var refused = await IndexerHost.StartAsync(database, second.RpcUrl, QuickRecheck);

        var health = await WaitForHealthAsync(refused, HealthStatus.Unhealthy, TimeSpan.FromSeconds(30));
        Assert.Contains("The database holds another chain than the node: " + difference, health.Description);
        Assert.Contains("Nothing was written", health.Description);
        Assert.Contains("\"Reindex from block…\" command in the Aspire dashboard with block 0", health.Description);
        await Task.Delay(TimeSpan.FromSeconds(2)); // ~10 more looks at the node

        Assert.Equal(1, Lines(refused.Log, "Error Ciro.Indexer.Following.ChainFollower: Indexer halted: The database holds another chain"));
        Assert.Equal(0, Lines(refused.Log, "Indexing failed"));
        Assert.Equal(1, refused.Sum("ciro.indexer.halts"));
        Assert.Equal(before, await StoredChain.ChecksumsAsync(database));
        Assert.Equal(other == OtherChain.NoIdentityRecorded ? "" : identity, await IdentityAsync(database));
        var status = await StoredChain.ScalarAsync<string>(database, "select state || ': ' || reason from ciro.indexer_status where cursor_name = 'main'");
        Assert.StartsWith("halted: The database holds another chain than the node: " + difference, status);

        // The operator's way out: reindex from the anchor deletes the old chain and indexes the node's.
        refused.Services.GetRequiredService<ReindexRequests>().Request(0);
        await StoredChain.WaitForCursorAsync(database, 40, TimeSpan.FromSeconds(30), () => refused.Log);
        await StoredChain.AssertMatchesSimulatorAsync(database, second, 0, 40);
        Assert.Equal(HealthStatus.Healthy, (await WaitForHealthAsync(refused, HealthStatus.Healthy, TimeSpan.FromSeconds(10))).Status);
        Assert.NotEqual(identity, await IdentityAsync(database));
        Assert.Equal("indexing", await StoredChain.ScalarAsync<string>(database, "select state from ciro.indexer_status where cursor_name = 'main'"));
    }

    [Fact]
    public async Task A_reorg_deeper_than_the_limit_halts_with_the_reason_and_deletes_nothing()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 20, eventsPerBlock: 6);
        var database = await postgres.NewDatabaseAsync();
        var settings = new Dictionary<string, string?>(QuickRecheck) { ["Indexer:MaxReorgDepth"] = "3" };
        await using var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl, settings);
        await StoredChain.WaitForCursorAsync(database, 20, TimeSpan.FromSeconds(30), () => indexer.Log);
        Assert.Equal(HealthStatus.Healthy, (await WaitForHealthAsync(indexer, HealthStatus.Healthy, TimeSpan.FromSeconds(10))).Status);
        var before = await StoredChain.ChecksumsAsync(database);

        await simulator.ReorgAsync(6); // blocks 15..20 replaced: 6 deep, the limit is 3
        await simulator.AdvanceAsync(1);

        var health = await WaitForHealthAsync(indexer, HealthStatus.Unhealthy, TimeSpan.FromSeconds(30));
        Assert.Contains("Reorg deeper than Indexer:MaxReorgDepth = 3: the node's blocks 17..20 all differ from the stored ones. Nothing was deleted. " +
            "If the node is right, reindex from block 17 or lower", health.Description);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, Lines(indexer.Log, "Indexer halted: Reorg deeper than Indexer:MaxReorgDepth = 3"));
        Assert.Equal(0, Lines(indexer.Log, "Indexing failed"));
        Assert.Equal(before, await StoredChain.ChecksumsAsync(database));
        Assert.StartsWith("halted: Reorg deeper", await StoredChain.ScalarAsync<string>(database, "select state || ': ' || reason from ciro.indexer_status"));

        indexer.Services.GetRequiredService<ReindexRequests>().Request(15);
        await StoredChain.WaitForCursorAsync(database, 21, TimeSpan.FromSeconds(30), () => indexer.Log);
        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, 0, 21);
        Assert.Equal(HealthStatus.Healthy, (await WaitForHealthAsync(indexer, HealthStatus.Healthy, TimeSpan.FromSeconds(10))).Status);
    }

    /// <summary>"chain id/anchor block/anchor hash", or "" when none is recorded.</summary>
    private static Task<string> IdentityAsync(string database) => StoredChain.ScalarAsync<string>(database,
        "select coalesce((select chain_id || '/' || anchor_block || '/' || encode(anchor_hash, 'hex') from ciro.chain_identity), '')");

    private static int Lines(string log, string text) => log.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    private static async Task<HealthReportEntry> WaitForHealthAsync(IndexerHost indexer, HealthStatus status, TimeSpan timeout)
    {
        var checks = indexer.Services.GetRequiredService<HealthCheckService>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var entry = (await checks.CheckHealthAsync()).Entries["indexer"];
            // Unhealthy before the schema is migrated too: wait for the halt.
            var reached = entry.Status == status && (status != HealthStatus.Unhealthy || entry.Description?.StartsWith("halted since ", StringComparison.Ordinal) == true);
            if (reached || DateTime.UtcNow > deadline)
            {
                Assert.True(reached, $"indexer health {entry.Status} ({entry.Description}), expected {status}; log:\n{indexer.Log}");
                return entry;
            }
            await Task.Delay(100);
        }
    }
}
