using System.Text.Json.Nodes;
using Ciro.Indexer.Tests.Infrastructure;
using Ciro.Testing;
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
    public async Task A_block_missing_a_required_field_is_kept_raw_and_skipped_naming_the_block_and_the_field()
    {
        var block = Block64159();
        block["transactions"]![3]!["receipt"]!.AsObject().Remove("actual_fee");
        await using var node = await RecordedNode.StartAsync(block);
        var database = await postgres.NewDatabaseAsync();

        var (code, output) = await BackfillProcess.RunAsync(database, "--rpc", node.RpcUrl, "--from", "64159", "--to", "64159");

        // An answer that is valid JSON-RPC but does not decode stalls nothing: it is stored byte for byte with the
        // reason (naming the block and the field) and the cursor moves past it.
        Assert.True(code == 0, output);
        Assert.Contains("block 64159: transaction 3 (0x", output);
        Assert.Contains("actual_fee is missing", output);
        Assert.DoesNotContain("Object reference", output);
        Assert.Contains("actual_fee is missing", await SkippedReasonAsync(database, 64_159));
        Assert.Equal(64_159, await StoredChain.CursorAsync(database));
    }

    private static async Task<string> SkippedReasonAsync(string database, long block)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select reason from ciro.undecodable_blocks where block_number = $1", connection);
        command.Parameters.AddWithValue(block);
        return (string?)await command.ExecuteScalarAsync() ?? "(no undecodable_blocks row)";
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

    [Fact]
    public async Task Every_transaction_type_and_version_of_the_v0_7_era_is_stored()
    {
        await using var node = await RecordedNode.StartAsync(EveryKindBlock());
        var database = await postgres.NewDatabaseAsync();

        var (code, output) = await BackfillProcess.RunAsync(database, "--rpc", node.RpcUrl, "--from", "65083", "--to", "65083");

        Assert.True(code == 0, output);
        // 90 real transactions of block 65083 + 6 of the kinds it lacks; the L1_HANDLER's receipt (2 events, fee 0
        // WEI) is the recorded mainnet one; every other receipt pays 1000 WEI (v0–v2) or 2000 FRI (v3).
        Assert.Equal(new BlockSummary(96, 1, 2, "FRI 60000, WEI 65000"), await BlockSummary.ReadAsync(database, 65_083));
        var kinds = await StoredChain.ScalarAsync<string>(database,
            "select string_agg(tx_type || ' ' || version || ' ' || n, ', ' order by tx_type, version) from (select tx_type, version, count(*) n from ciro.transactions group by 1, 2) k");
        Assert.Equal("DECLARE 0x0 1, DECLARE 0x1 1, DECLARE 0x2 1, DECLARE 0x3 1, DEPLOY 0x0 1, DEPLOY_ACCOUNT 0x1 6, DEPLOY_ACCOUNT 0x3 1, " +
            "INVOKE 0x0 1, INVOKE 0x1 54, INVOKE 0x3 28, L1_HANDLER 0x0 1", kinds);
        // No sender in DEPLOY, DEPLOY_ACCOUNT, INVOKE v0 and L1_HANDLER: NULL, not an invented address.
        Assert.Equal(10L, await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.transactions where sender is null"));
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database,
            "select count(*) from ciro.transactions where sender is null and tx_type not in ('DEPLOY', 'DEPLOY_ACCOUNT', 'L1_HANDLER') and version <> '0x0'"));
    }

    /// <summary>Block 65083's header and its 90 recorded transactions (INVOKE v1/v3, DEPLOY_ACCOUNT v1, DECLARE v1/v2)
    /// plus INVOKE v0, DEPLOY, DECLARE v0/v3, DEPLOY_ACCOUNT v3 written from the v0.7.1 spec and the recorded mainnet
    /// L1_HANDLER receipt, each with a v0.7-shaped receipt (steps, builtins, data_availability).</summary>
    private static JsonNode EveryKindBlock()
    {
        var block = JsonNode.Parse(TestData.Read("starknet", "rpc", "sepolia", "getBlockWithTxs_65083_v0_7_era.json"))!.AsObject();
        var transactions = block["transactions"]!.AsArray().Select(t => t!.DeepClone()).ToList();
        var extra = JsonNode.Parse("""
            [
              {"transaction_hash":"0x10","type":"INVOKE","version":"0x0","max_fee":"0x1","signature":[],"contract_address":"0x111","entry_point_selector":"0x222","calldata":["0x1"]},
              {"transaction_hash":"0x11","type":"DEPLOY","version":"0x0","contract_address_salt":"0x5","constructor_calldata":[],"class_hash":"0x333"},
              {"transaction_hash":"0x12","type":"DECLARE","version":"0x0","sender_address":"0x1","max_fee":"0x1","signature":[],"class_hash":"0x444"},
              {"transaction_hash":"0x13","type":"DECLARE","version":"0x3","sender_address":"0x2","compiled_class_hash":"0x555","signature":[],"nonce":"0x1","class_hash":"0x666",
               "resource_bounds":{"l1_gas":{"max_amount":"0x10","max_price_per_unit":"0x10"},"l2_gas":{"max_amount":"0x0","max_price_per_unit":"0x0"}},
               "tip":"0x0","paymaster_data":[],"account_deployment_data":[],"nonce_data_availability_mode":"L1","fee_data_availability_mode":"L1"},
              {"transaction_hash":"0x14","type":"DEPLOY_ACCOUNT","version":"0x3","signature":[],"nonce":"0x0","contract_address_salt":"0x6","constructor_calldata":["0x1"],"class_hash":"0x777",
               "resource_bounds":{"l1_gas":{"max_amount":"0x10","max_price_per_unit":"0x10"},"l2_gas":{"max_amount":"0x0","max_price_per_unit":"0x0"}},
               "tip":"0x0","paymaster_data":[],"nonce_data_availability_mode":"L1","fee_data_availability_mode":"L1"},
              {"transaction_hash":"0x74011377f326265f5a54e27a27968355e7033ad1de11b77b225374875aff519","type":"L1_HANDLER","version":"0x0","nonce":"0x1",
               "contract_address":"0x73314940630fd6dcda0d772d4c972c4e0a9946bef9dabf4ef84eda8ef542b82","entry_point_selector":"0x2d757788a8d8d6f21d1cd40bce38a8222d70654214e96ff95d8086e684fbee5","calldata":["0x1"]}
            ]
            """)!.AsArray();
        transactions.AddRange(extra.Select(t => t!.DeepClone()));
        var l1HandlerReceipt = JsonNode.Parse(TestData.Read("starknet", "rpc", "mainnet", "receipt_l1_handler_0x74011377_v0_7_era.json"))!.AsObject();
        var items = new JsonArray();
        for (var i = 0; i < transactions.Count; i++)
        {
            var tx = transactions[i]!;
            var type = tx["type"]!.GetValue<string>();
            JsonObject receipt;
            if (type == "L1_HANDLER")
            {
                receipt = (JsonObject)l1HandlerReceipt.DeepClone();
                receipt.Remove("block_hash");
                receipt.Remove("block_number");
            }
            else
            {
                var v3 = tx["version"]!.GetValue<string>() == "0x3";
                receipt = new JsonObject
                {
                    ["type"] = type,
                    ["transaction_hash"] = tx["transaction_hash"]!.DeepClone(),
                    ["actual_fee"] = new JsonObject { ["amount"] = v3 ? "0x7d0" : "0x3e8", ["unit"] = v3 ? "FRI" : "WEI" },
                    ["execution_status"] = i == 7 ? "REVERTED" : "SUCCEEDED",
                    ["finality_status"] = "ACCEPTED_ON_L1",
                    ["messages_sent"] = new JsonArray(),
                    ["events"] = new JsonArray(),
                    ["execution_resources"] = JsonNode.Parse("""{"steps":100,"range_check_builtin_applications":5,"data_availability":{"l1_gas":0,"l1_data_gas":128}}"""),
                };
                if (i == 7)
                {
                    receipt["revert_reason"] = "Error in the called contract";
                }
                if (type is "DEPLOY" or "DEPLOY_ACCOUNT")
                {
                    receipt["contract_address"] = "0x" + (0x9000 + i).ToString("x");
                }
            }
            items.Add(new JsonObject { ["transaction"] = tx.DeepClone(), ["receipt"] = receipt });
        }
        block["transactions"] = items;
        return block;
    }

    [Fact]
    public async Task A_malformed_field_is_kept_raw_and_skipped_naming_the_block_and_the_field_path()
    {
        var block = Block64159();
        block["transactions"]![3]!["receipt"]!["actual_fee"]!["amount"] = "0xzz";
        await using var node = await RecordedNode.StartAsync(block);
        var database = await postgres.NewDatabaseAsync();

        var (code, output) = await BackfillProcess.RunAsync(database, "--rpc", node.RpcUrl, "--from", "64159", "--to", "64159");

        Assert.True(code == 0, output);
        Assert.Contains("block 64159: ", output);
        Assert.Contains("transactions[3].receipt.actual_fee.amount", output);
        Assert.Contains("'0xzz' is not a felt", output);
        Assert.Contains("'0xzz' is not a felt", await SkippedReasonAsync(database, 64_159));
        Assert.Equal(64_159, await StoredChain.CursorAsync(database));
    }

    private static JsonNode Block64159() => RecordedNode.Recorded("starknet", "rpc", "sepolia", "getBlockWithReceipts_64159_v0_7_era.json");
}
