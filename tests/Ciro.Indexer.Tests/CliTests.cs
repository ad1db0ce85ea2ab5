using Ciro.Indexer.Following;
using Ciro.Indexer.Tests.Infrastructure;
using Ciro.LocalInfrastructure;
using Npgsql;

namespace Ciro.Indexer.Tests;

/// <summary>The backfill command's contract: 0 when done, non-zero with a message naming what is wrong.</summary>
public sealed class CliTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData("--from 0 --to 5", "--rpc")]
    [InlineData("--rpc not-a-url --from 0 --to 5", "--rpc 'not-a-url'")]
    [InlineData("--rpc file:///etc/passwd --from 0 --to 5", "--rpc 'file:///etc/passwd' must be an absolute http:// or https:// URL")]
    [InlineData("--rpc http://127.0.0.1:1 --from 0 --to 5 --lease-timeout soon", "--lease-timeout 'soon'")]
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
        Assert.Contains("backfill: failed: StarknetTransportException", output);
        Assert.Contains("127.0.0.1", output);
        // The cause chain, not just the outermost message: the transport fault and the socket's own reason.
        Assert.Contains("caused by HttpRequestException", output);
        Assert.Contains("Connection refused", output);
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

    [Fact]
    public async Task From_below_the_cursor_wins_and_indexes_the_range_again()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 20, eventsPerBlock: 5);
        var database = await postgres.NewDatabaseAsync();
        var (first, firstOutput) = await BackfillProcess.RunAsync(database, "--rpc", simulator.RpcUrl, "--from", "0", "--to", "15");
        Assert.True(first == 0, firstOutput);

        var (code, output) = await BackfillProcess.RunAsync(database, "--rpc", simulator.RpcUrl, "--from", "5", "--to", "10");

        Assert.True(code == 0, output);
        Assert.Contains("the cursor was at block 15; --from 5 wins: deleted blocks 5..15", output);
        Assert.Contains("done through block 10", output);
        Assert.Equal((long?)10, await StoredChain.CursorAsync(database));
        Assert.Equal(11L, await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.blocks"));
        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, 0, 10);
        await StoredChain.AssertContiguousAsync(database, 0, 10);
    }

    [Fact]
    public async Task From_beyond_the_cursor_is_refused_naming_the_gap()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 20, eventsPerBlock: 2);
        var database = await postgres.NewDatabaseAsync();
        var (first, firstOutput) = await BackfillProcess.RunAsync(database, "--rpc", simulator.RpcUrl, "--from", "0", "--to", "5");
        Assert.True(first == 0, firstOutput);

        var (code, output) = await BackfillProcess.RunAsync(database, "--rpc", simulator.RpcUrl, "--from", "9", "--to", "12");

        Assert.Equal(2, code);
        Assert.Contains("--from 9 is beyond the stored cursor (block 5): blocks 6..8 would be missing", output);
        Assert.Equal((long?)5, await StoredChain.CursorAsync(database));
    }

    [Fact]
    public async Task A_held_writer_lease_is_reported_and_waited_for_up_to_the_timeout()
    {
        var database = await postgres.NewDatabaseAsync();
        await using var holder = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { ApplicationName = "lease-holder-test" }.ConnectionString);
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand($"select pg_advisory_lock({WriterLease.LeaseKey})", holder))
        {
            await take.ExecuteNonQueryAsync();
        }

        var (code, output) = await BackfillProcess.RunAsync(database, "--rpc", "http://127.0.0.1:1/rpc", "--from", "0", "--to", "5", "--lease-timeout", "2");

        Assert.Equal(1, code);
        Assert.Contains("the writer lease is held by another indexer (PostgreSQL session pid", output);
        Assert.Contains("waiting up to 2 s (--lease-timeout)", output);
        Assert.Contains($"still held after 2 s by PostgreSQL session pid {holder.ProcessID}, application 'lease-holder-test'", output);
    }

    [Theory]
    [InlineData("""{"Contracts": null}""", "Contracts is null")]
    [InlineData("""{"Contracts": [{"Name": "x", "Addresses": null}]}""", "Contracts[0].Addresses is null")]
    [InlineData("""{"Contracts": [null]}""", "Contracts[0] is null")]
    [InlineData("""{"Contracts": [{"Name": "x", "Addresses": ["0x1", "zz"]}]}""", "Contracts[0].Addresses has 'zz', which is not a felt")]
    [InlineData("""{"Contracts": [""", "is not valid JSON")]
    public async Task A_broken_contracts_file_exits_2_naming_the_file_and_field(string json, string named)
    {
        var file = Path.Combine(Path.GetTempPath(), $"ciro-contracts-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            var (code, output) = await BackfillProcess.RunAsync("Host=127.0.0.1", "--rpc", "http://127.0.0.1:1", "--from", "0", "--to", "5", "--contracts", file);

            Assert.Equal(2, code);
            Assert.Contains($"backfill: --contracts: Contracts file '{file}'", output);
            Assert.Contains(named, output);
            Assert.DoesNotContain("NullReferenceException", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_contracts_StartBlock_keeps_its_rows_only_from_that_block()
    {
        const string jobManager = "0x00bf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd";
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 20, eventsPerBlock: 5);
        var file = Path.Combine(Path.GetTempPath(), $"ciro-contracts-{Guid.NewGuid():N}.json");
        var fromStart = await postgres.NewDatabaseAsync();
        var from10 = await postgres.NewDatabaseAsync();
        const string count = $"select count(*) from ciro.events where contract = ciro.felt_bytes('{jobManager}') and block_number {{0}}";
        try
        {
            await File.WriteAllTextAsync(file, $$"""{"Contracts": [{"Name": "JobManager", "Addresses": ["{{jobManager}}"], "StartBlock": 0}]}""");
            var (all, allOutput) = await BackfillProcess.RunAsync(fromStart, "--rpc", simulator.RpcUrl, "--from", "0", "--to", "20", "--contracts", file);
            Assert.True(all == 0, allOutput);
            await File.WriteAllTextAsync(file, $$"""{"Contracts": [{"Name": "JobManager", "Addresses": ["{{jobManager}}"], "StartBlock": 10}]}""");
            var (code, output) = await BackfillProcess.RunAsync(from10, "--rpc", simulator.RpcUrl, "--from", "0", "--to", "20", "--contracts", file);
            Assert.True(code == 0, output);
        }
        finally
        {
            File.Delete(file);
        }

        var before = await StoredChain.ScalarAsync<long>(fromStart, string.Format(count, "< 10"));
        var after = await StoredChain.ScalarAsync<long>(fromStart, string.Format(count, ">= 10"));
        Assert.True(before > 0 && after > 0, $"the simulator's JobManager emits in both halves ({before}, {after})");
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(from10, string.Format(count, "< 10")));
        Assert.Equal(after, await StoredChain.ScalarAsync<long>(from10, string.Format(count, ">= 10")));
    }
}
