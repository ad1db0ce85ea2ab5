using System.Numerics;
using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;

namespace Ciro.ChainSimulator.Tests;

/// <summary>The simulator with Simulator:RpcShape=v0_7 serves the same chain in the v0.7.1 shapes (checked against
/// the official v0.7.1 schemas): headers without l2_gas_price or commitments, receipts with Cairo steps and builtin
/// counters, v3 bounds without l1_data_gas, events without positions.</summary>
public sealed class V07ShapeFactory() : SimulatorFactory(seed: 7, pregenerate: 40, rpcShape: "v0_7");

public sealed class RpcShapeTests(V07ShapeFactory old, SimulatorFactory current) : IClassFixture<V07ShapeFactory>, IClassFixture<SimulatorFactory>
{
    private static SpecSchemas Spec => SpecSchemas.V0_7;

    [Fact]
    public async Task Spec_version_is_0_7_1()
    {
        Assert.Equal("0.7.1", (await old.ResultAsync("starknet_specVersion")).GetString());
        Assert.Equal("0.10.3", (await current.ResultAsync("starknet_specVersion")).GetString());
    }

    [Theory]
    [InlineData("starknet_getBlockWithTxHashes", "BLOCK_WITH_TX_HASHES", "PENDING_BLOCK_WITH_TX_HASHES")]
    [InlineData("starknet_getBlockWithReceipts", "BLOCK_WITH_RECEIPTS", "PENDING_BLOCK_WITH_RECEIPTS")]
    public async Task Blocks_match_the_v0_7_1_schema(string method, string full, string pendingSchema)
    {
        var head = await old.ResultAsync("starknet_blockHashAndNumber");
        object[] ids = [new { block_number = 0 }, new { block_number = 5 }, new { block_hash = head.GetProperty("block_hash").GetString() }, "latest"];
        foreach (var id in ids)
        {
            var block = await old.ResultAsync(method, new[] { id });
            SpecSchemas.AssertValid(Spec.Component(full), block, $"{method}({JsonSerializer.Serialize(id)})");
            Assert.False(block.TryGetProperty("l2_gas_price", out _), "a v0.7 header has no l2_gas_price");
            Assert.False(block.TryGetProperty("event_commitment", out _), "a v0.7 header has no commitments");
        }
        var pending = await old.ResultAsync(method, new[] { "pre_confirmed" });
        SpecSchemas.AssertValid(Spec.Component(pendingSchema), pending, $"{method}(pending)");
        Assert.False(pending.TryGetProperty("block_number", out _), "a v0.7 pending header has no block_number");
        Assert.True(pending.TryGetProperty("parent_hash", out _), "a v0.7 pending header has a parent_hash");
    }

    [Fact]
    public async Task Receipts_and_transactions_match_the_v0_7_1_schema_with_steps_and_builtins()
    {
        var block = await old.BlockAsync(10);
        foreach (var item in block.GetProperty("transactions").EnumerateArray())
        {
            var hash = item.GetProperty("receipt").GetProperty("transaction_hash").GetString()!;
            var receipt = await old.ResultAsync("starknet_getTransactionReceipt", new[] { hash });
            SpecSchemas.AssertValid(Spec.MethodResult("starknet_getTransactionReceipt"), receipt, $"receipt {hash}");
            var resources = receipt.GetProperty("execution_resources");
            Assert.True(resources.GetProperty("steps").GetInt64() > 0);
            Assert.True(resources.TryGetProperty("data_availability", out _));
            Assert.False(resources.TryGetProperty("l2_gas", out _));
            var tx = await old.ResultAsync("starknet_getTransactionByHash", new[] { hash });
            SpecSchemas.AssertValid(Spec.MethodResult("starknet_getTransactionByHash"), tx, $"transaction {hash}");
            Assert.False(tx.GetProperty("resource_bounds").TryGetProperty("l1_data_gas", out _));
        }
        // The check bites: today's receipt (gas vector, no steps) is not a v0.7.1 receipt.
        var firstHash = block.GetProperty("transactions")[0].GetProperty("receipt").GetProperty("transaction_hash").GetString()!;
        var currentReceipt = await current.ResultAsync("starknet_getTransactionReceipt", new[] { firstHash });
        Assert.False(SpecSchemas.IsValid(Spec.MethodResult("starknet_getTransactionReceipt"), currentReceipt));
        var events = await old.ResultAsync("starknet_getEvents", new { filter = new { from_block = new { block_number = 10 }, to_block = new { block_number = 12 }, chunk_size = 1000 } });
        SpecSchemas.AssertValid(Spec.MethodResult("starknet_getEvents"), events, "getEvents");
        Assert.All(events.GetProperty("events").EnumerateArray(), e => Assert.False(e.TryGetProperty("transaction_index", out _)));
    }

    [Fact]
    public async Task Both_shapes_render_the_same_chain()
    {
        for (var n = 0; n <= 40; n += 8)
        {
            var (a, b) = (await old.BlockAsync(n), await current.BlockAsync(n));
            Assert.Equal(b.GetProperty("block_hash").GetString(), a.GetProperty("block_hash").GetString());
            Assert.Equal(Summary(b), Summary(a));
        }
    }

    /// <summary>Transactions, reverted ones, events and the FRI fee total of one getBlockWithReceipts answer.</summary>
    private static (int, int, int, BigInteger) Summary(JsonElement block)
    {
        var items = block.GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("receipt")).ToList();
        return (items.Count,
            items.Count(r => r.GetProperty("execution_status").GetString() == "REVERTED"),
            items.Sum(r => r.GetProperty("events").GetArrayLength()),
            items.Aggregate(BigInteger.Zero, (sum, r) => sum + Ciro.Starknet.Felt.Parse(r.GetProperty("actual_fee").GetProperty("amount").GetString()!).ToBigInteger()));
    }
}
