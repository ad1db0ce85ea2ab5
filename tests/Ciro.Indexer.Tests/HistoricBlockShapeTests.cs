using Ciro.Indexer.Tests.Infrastructure;
using System.Text.Json.Nodes;
using Npgsql;

namespace Ciro.Indexer.Tests;

/// <summary>Blocks in the shapes of older nodes index like today's: a real v0.7-era Sepolia block (starknet
/// 0.13.1.1: no l2_gas_price in the header, receipts with Cairo steps and builtin counters) backfilled from a
/// loopback node serving the recorded bytes; prices the node did not send are stored as NULL.</summary>
public sealed class HistoricBlockShapeTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task V0_7_era_block_backfills_with_the_hand_counted_summary_and_null_l2_gas_price()
    {
        await using var node = await RecordedNode.StartAsync(Block64159());
        var database = await postgres.NewDatabaseAsync();

        var (code, output) = await BackfillProcess.RunAsync(database, "--rpc", node.RpcUrl, "--from", "64159", "--to", "64159");

        Assert.True(code == 0, output);
        var summary = await BlockSummary.ReadAsync(database, 64_159);
        // Counted by hand from the file: 21 INVOKE transactions (20 v1 paying WEI, 1 v3 paying FRI), none
        // reverted, 638 events; the fees are the sums of actual_fee.amount per unit.
        Assert.Equal(new BlockSummary(21, 0, 638, "FRI 838090316871326637, WEI 48069290383010580"), summary);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select l1_gas_price_wei, l1_data_gas_price_fri, l2_gas_price_fri is null, l2_gas_price_wei is null,
                   l1_data_gas, l2_gas, starknet_version
            from ciro.blocks where block_number = 64159
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(104_676_015_797m, reader.GetDecimal(0)); // 0x185f2d3eb5
        Assert.Equal(2_887_047_515_703_369m, reader.GetDecimal(1)); // 0xa41c1219f8849
        Assert.True(reader.GetBoolean(2), "l2_gas_price_fri must be NULL: a v0.7-era header has no l2_gas_price");
        Assert.True(reader.GetBoolean(3), "l2_gas_price_wei must be NULL");
        Assert.Equal(37_856L, reader.GetInt64(4)); // data_availability.l1_data_gas summed over the receipts
        Assert.Equal(0L, reader.GetInt64(5));
        Assert.Equal("0.13.1.1", reader.GetString(6));
    }

    [Fact]
    public async Task A_block_missing_a_required_field_fails_naming_the_block_and_the_field()
    {
        var block = Block64159();
        block["transactions"]![3]!["receipt"]!.AsObject().Remove("actual_fee");
        await using var node = await RecordedNode.StartAsync(block);
        var database = await postgres.NewDatabaseAsync();

        var (code, output) = await BackfillProcess.RunAsync(database, "--rpc", node.RpcUrl, "--from", "64159", "--to", "64159");

        Assert.Equal(1, code);
        Assert.Contains("block 64159: transaction 3 (0x", output);
        Assert.Contains("actual_fee is missing", output);
        Assert.DoesNotContain("Object reference", output);
        Assert.Null(await StoredChain.CursorAsync(database));
    }

    [Fact]
    public async Task The_simulators_chain_in_the_v0_7_shape_indexes_to_the_same_summaries_as_in_the_current_shape()
    {
        const int blocks = 30;
        await using var old = await Simulator.StartAsync(blocks, rpcShape: "v0_7", startTimestamp: 1_714_901_729);
        await using var current = await Simulator.StartAsync(blocks, rpcShape: "current", startTimestamp: 1_714_901_729);
        var (oldDatabase, currentDatabase) = (await postgres.NewDatabaseAsync(), await postgres.NewDatabaseAsync());
        var head = (await current.HeadAsync()).ToString();
        Assert.Equal(head, (await old.HeadAsync()).ToString());

        var (oldCode, oldOutput) = await BackfillProcess.RunAsync(oldDatabase, "--rpc", old.RpcUrl, "--from", "0", "--to", head);
        var (currentCode, currentOutput) = await BackfillProcess.RunAsync(currentDatabase, "--rpc", current.RpcUrl, "--from", "0", "--to", head);

        Assert.True(oldCode == 0, oldOutput);
        Assert.True(currentCode == 0, currentOutput);
        var reverted = 0;
        for (var n = 0; n <= long.Parse(head); n++)
        {
            var expected = await BlockSummary.ReadAsync(currentDatabase, n);
            Assert.Equal(expected, await BlockSummary.ReadAsync(oldDatabase, n));
            reverted += expected.Reverted;
        }
        Assert.True(reverted > 0, "the compared range should hold reverted transactions");
        // The v0.7 header had no L2 gas price: NULL in every block; the current shape stores the price.
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(oldDatabase, "select count(*) from ciro.blocks where l2_gas_price_fri is not null or l2_gas_price_wei is not null"));
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(currentDatabase, "select count(*) from ciro.blocks where l2_gas_price_fri is null"));
        // Same L1 data gas either way (v0.7 carries it under data_availability); L2 gas only in the current shape.
        Assert.Equal(await StoredChain.ScalarAsync<decimal>(currentDatabase, "select sum(l1_data_gas) from ciro.blocks"),
            await StoredChain.ScalarAsync<decimal>(oldDatabase, "select sum(l1_data_gas) from ciro.blocks"));
        Assert.Equal(0m, await StoredChain.ScalarAsync<decimal>(oldDatabase, "select sum(l2_gas) from ciro.blocks"));
    }

    private static JsonNode Block64159() => RecordedNode.Recorded("starknet", "rpc", "sepolia", "getBlockWithReceipts_64159_v0_7_era.json");
}
