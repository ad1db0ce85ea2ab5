using System.Diagnostics;
using System.Net;
using Ciro.Indexer.Tests.Infrastructure;
using Ciro.LocalInfrastructure;
using Ciro.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Ciro.Indexer.Tests;

/// <summary>
/// The writer's path to PostgreSQL goes silent (a loopback proxy stops forwarding and keeps every socket open, as a
/// dropped route does): its lease session ends on the server (idle_session_timeout) and the standby, connected
/// directly, takes the lease and writes the next block within 30 s — not after the ~2 h of TCP keepalive.
/// </summary>
public sealed class LeaseKeepAliveTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_writer_cut_off_by_a_silent_network_path_loses_the_lease_to_the_standby_within_30_s()
    {
        // A frozen chain (blocks only when the test advances it): the cut finds the writer idle between batches.
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 10, eventsPerBlock: 2);
        var database = await postgres.NewDatabaseAsync();
        await using var proxy = new BlackholeProxy(new IPEndPoint(IPAddress.Loopback, new NpgsqlConnectionStringBuilder(database).Port));
        var throughProxy = new NpgsqlConnectionStringBuilder(database) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;

        using var writer = StartReplica(throughProxy, simulator.RpcUrl);
        await StoredChain.WaitForCursorAsync(database, 10, TimeSpan.FromSeconds(60), () => writer.Output);
        Assert.EndsWith($"/{writer.Id}", await WriterAsync(database));
        using var standby = StartReplica(database, simulator.RpcUrl);
        await Task.Delay(TimeSpan.FromSeconds(3)); // the standby has started and found the lease taken

        proxy.Blackhole();
        var cut = Stopwatch.StartNew();
        while (!(await WriterAsync(database)).EndsWith($"/{standby.Id}", StringComparison.Ordinal))
        {
            Assert.True(cut.Elapsed < TimeSpan.FromSeconds(30),
                $"the standby did not take over within 30 s of the cut.\nwriter: {writer.Output}\nstandby: {standby.Output}");
            await simulator.AdvanceAsync(1);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        var tookOver = cut.Elapsed;
        output.WriteLine($"standby wrote {tookOver.TotalSeconds:F1} s after the cut");
        var cursor = await StoredChain.WaitForCursorAsync(database, await simulator.HeadAsync(), TimeSpan.FromSeconds(30), () => standby.Output);
        await StoredChain.AssertContiguousAsync(database, 0, cursor!.Value);
        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, 0, cursor.Value);
    }

    private static Task<string> WriterAsync(string database) => StoredChain.ScalarAsync<string>(database, "select writer from ciro.block_cursor");

    private static ChildProcess StartReplica(string database, string rpcUrl) =>
        new("dotnet", [Paths.IndexerDll, "--urls", $"http://127.0.0.1:{FreePort.Next()}"], new Dictionary<string, string>
        {
            ["ConnectionStrings__ciro"] = database,
            ["Starknet__RpcUrl"] = rpcUrl,
            ["Indexer__PollInterval"] = "00:00:00.200",
            ["Indexer__LeaseRetryInterval"] = "00:00:00.500",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        });
}
