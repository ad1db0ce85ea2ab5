using Ciro.Indexer.Tests.Infrastructure;
using Ciro.LocalInfrastructure;

namespace Ciro.Indexer.Tests;

/// <summary>The backfill command's contract: 0 when done, non-zero with a message naming what is wrong.</summary>
public sealed class CliTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData("--from 0 --to 5", "--rpc")]
    [InlineData("--rpc not-a-url --from 0 --to 5", "--rpc 'not-a-url'")]
    [InlineData("--rpc http://127.0.0.1:1 --from abc --to 5", "--from 'abc'")]
    [InlineData("--rpc http://127.0.0.1:1 --from 7 --to 5", "--to '5'")]
    [InlineData("--rpc http://127.0.0.1:1 --from 0 --to 5 --color red", "--color")]
    [InlineData("--rpc http://127.0.0.1:1 --from 0 --to", "--to")]
    public async Task Bad_arguments_exit_2_naming_the_argument(string arguments, string named)
    {
        var (code, output) = await BackfillProcess.RunAsync("Host=127.0.0.1", arguments.Split(' '));
        Assert.Equal(2, code);
        Assert.Contains(named, output);
        Assert.Contains("usage:", output);
    }

    [Fact]
    public async Task Missing_connection_string_exits_2_naming_it()
    {
        var (code, output) = await BackfillProcess.RunAsync(null, "--rpc", "http://127.0.0.1:1", "--from", "0", "--to", "5");
        Assert.Equal(2, code);
        Assert.Contains("ConnectionStrings__ciro", output);
    }

    [Fact]
    public async Task Unreachable_node_exits_1_with_the_reason()
    {
        var database = await postgres.NewDatabaseAsync();
        var url = $"http://127.0.0.1:{FreePort.Next()}/rpc";
        var (code, output) = await BackfillProcess.RunAsync(database, "--rpc", url, "--from", "0", "--to", "5");
        Assert.Equal(1, code);
        Assert.Contains("backfill: failed", output);
        Assert.Contains("127.0.0.1", output);
    }

    [Fact]
    public async Task Range_beyond_the_head_exits_2_and_a_good_range_exits_0()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 20, eventsPerBlock: 5);
        var database = await postgres.NewDatabaseAsync();
        var head = await simulator.HeadAsync();

        var (beyond, beyondOutput) = await BackfillProcess.RunAsync(database, "--rpc", simulator.RpcUrl, "--from", "0", "--to", (head + 100).ToString());
        Assert.Equal(2, beyond);
        Assert.Contains($"--to {head + 100}", beyondOutput);

        var (code, output) = await BackfillProcess.RunAsync(database, "--rpc", simulator.RpcUrl, "--from", "5", "--to", head.ToString());
        Assert.True(code == 0, output);
        Assert.Contains($"done through block {head}", output);
        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, 5, head);
        await StoredChain.AssertContiguousAsync(database, 5, head);
    }
}
