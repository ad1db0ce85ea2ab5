using Ciro.Indexer.Tests.Infrastructure;
using Ciro.LocalInfrastructure;

namespace Ciro.Indexer.Tests;

/// <summary>Two service replicas (real processes) on one database: exactly one holds the lease and writes; kill -9
/// of that one hands the writing over to the other within seconds.</summary>
public sealed class ReplicaTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Exactly_one_replica_writes_and_killing_it_hands_over()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 30, eventsPerBlock: 5, blockIntervalMs: 300);
        var database = await postgres.NewDatabaseAsync();
        using var a = StartReplica(database, simulator.RpcUrl);
        using var b = StartReplica(database, simulator.RpcUrl);

        await StoredChain.WaitForCursorAsync(database, await simulator.HeadAsync(), TimeSpan.FromSeconds(30), () => a.Output + b.Output);
        // For a few seconds of following, every commit comes from one and the same process.
        var writers = new HashSet<string>();
        for (var i = 0; i < 30; i++)
        {
            writers.Add(await StoredChain.ScalarAsync<string>(database, "select writer from ciro.block_cursor"));
            await Task.Delay(100);
        }
        var writer = Assert.Single(writers);
        var (leader, standby) = writer.EndsWith($"/{a.Id}", StringComparison.Ordinal) ? (a, b) : (b, a);
        Assert.EndsWith($"/{leader.Id}", writer);

        leader.Kill();
        var killedAt = DateTime.UtcNow;
        while (await StoredChain.ScalarAsync<string>(database, "select writer from ciro.block_cursor") == writer)
        {
            Assert.True(DateTime.UtcNow - killedAt < TimeSpan.FromSeconds(10), $"no hand-over within 10 s: {standby.Output}");
            await Task.Delay(50);
        }
        var handover = DateTime.UtcNow - killedAt;
        Assert.EndsWith($"/{standby.Id}", await StoredChain.ScalarAsync<string>(database, "select writer from ciro.block_cursor"));
        Assert.True(handover < TimeSpan.FromSeconds(5), $"hand-over took {handover}");

        var cursor = await StoredChain.WaitForCursorAsync(database, await simulator.HeadAsync(), TimeSpan.FromSeconds(20), () => standby.Output);
        await StoredChain.AssertContiguousAsync(database, 0, cursor!.Value);
        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, 0, cursor.Value);
    }

    private static ChildProcess StartReplica(string database, string rpcUrl) =>
        new("dotnet", [Paths.IndexerDll, "--urls", $"http://127.0.0.1:{FreePort.Next()}"], new Dictionary<string, string>
        {
            ["ConnectionStrings__ciro"] = database,
            ["Starknet__RpcUrl"] = rpcUrl,
            ["Indexer__PollInterval"] = "00:00:00.050",
            ["Indexer__LeaseRetryInterval"] = "00:00:00.500",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        });
}
