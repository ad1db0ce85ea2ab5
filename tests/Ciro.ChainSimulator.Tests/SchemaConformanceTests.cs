using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;

namespace Ciro.ChainSimulator.Tests;

/// <summary>Every served method's answer, checked against the official v0.10.3 OpenRPC schemas.</summary>
public sealed class SchemaConformanceTests(SimulatorFactory sim) : IClassFixture<SimulatorFactory>
{
    private static SpecSchemas Spec => SpecSchemas.Instance;

    [Theory]
    [InlineData("starknet_specVersion")]
    [InlineData("starknet_chainId")]
    [InlineData("starknet_syncing")]
    [InlineData("starknet_blockNumber")]
    [InlineData("starknet_blockHashAndNumber")]
    public async Task Parameterless_methods_match_their_result_schema(string method)
    {
        var result = await sim.ResultAsync(method);
        SpecSchemas.AssertValid(Spec.MethodResult(method), result, method);
    }

    [Fact]
    public async Task Spec_version_and_chain_id_are_what_the_options_say()
    {
        Assert.Equal("0.10.3", (await sim.ResultAsync("starknet_specVersion")).GetString());
        Assert.Equal(Ciro.Starknet.Felt.FromShortString("SN_CIRO_SIM").ToString(), (await sim.ResultAsync("starknet_chainId")).GetString());
    }

    /// <summary>
    /// The method result is oneOf [BLOCK_WITH_…, PRE_CONFIRMED_BLOCK_WITH_…]; a full block also satisfies the
    /// pre-confirmed branch (it only has fewer required members and no additionalProperties: false), so a
    /// spec-exact full block fails the oneOf. Each answer is therefore checked against its own branch, and the
    /// pre-confirmed one against the whole method result too (it cannot match the full branch).
    /// </summary>
    [Theory]
    [InlineData("starknet_getBlockWithTxHashes", "BLOCK_WITH_TX_HASHES", "PRE_CONFIRMED_BLOCK_WITH_TX_HASHES")]
    [InlineData("starknet_getBlockWithReceipts", "BLOCK_WITH_RECEIPTS", "PRE_CONFIRMED_BLOCK_WITH_RECEIPTS")]
    public async Task Blocks_match_the_spec_for_every_block_id_kind(string method, string full, string preConfirmed)
    {
        var head = await sim.ResultAsync("starknet_blockHashAndNumber");
        object[] ids =
        [
            new { block_number = 0 },
            new { block_number = 5 },
            new { block_hash = head.GetProperty("block_hash").GetString() },
            "latest",
            "l1_accepted",
        ];
        foreach (var id in ids)
        {
            var block = await sim.ResultAsync(method, new[] { id });
            SpecSchemas.AssertValid(Spec.Component(full), block, $"{method}({JsonSerializer.Serialize(id)})");
            Assert.True(block.GetProperty("transactions").GetArrayLength() > 0, "blocks carry transactions");
        }
        var pending = await sim.ResultAsync(method, new[] { "pre_confirmed" });
        SpecSchemas.AssertValid(Spec.Component(preConfirmed), pending, $"{method}(pre_confirmed)");
        SpecSchemas.AssertValid(Spec.MethodResult(method), pending, $"{method}(pre_confirmed) against the method result");
        Assert.False(pending.TryGetProperty("block_hash", out _), "a pre-confirmed block has no hash");
    }

    [Fact]
    public async Task Receipts_of_confirmed_and_pre_confirmed_transactions_match_the_spec()
    {
        var block = await sim.BlockAsync(10);
        var pending = await sim.ResultAsync("starknet_getBlockWithTxHashes", new[] { "pre_confirmed" });
        var hashes = block.GetProperty("transactions").EnumerateArray()
            .Select(t => t.GetProperty("receipt").GetProperty("transaction_hash").GetString()!)
            .Append(pending.GetProperty("transactions")[0].GetString()!);
        foreach (var hash in hashes)
        {
            var receipt = await sim.ResultAsync("starknet_getTransactionReceipt", new[] { hash });
            SpecSchemas.AssertValid(Spec.MethodResult("starknet_getTransactionReceipt"), receipt, $"receipt {hash}");
            var tx = await sim.ResultAsync("starknet_getTransactionByHash", new[] { hash });
            SpecSchemas.AssertValid(Spec.MethodResult("starknet_getTransactionByHash"), tx, $"transaction {hash}");
        }
    }

    [Fact]
    public async Task Reverted_receipts_match_the_spec_and_carry_a_reason()
    {
        var reverted = await FindAsync(r => r.GetProperty("execution_status").GetString() == "REVERTED");
        SpecSchemas.AssertValid(Spec.Component("TXN_RECEIPT"), reverted, "reverted receipt");
        Assert.False(string.IsNullOrEmpty(reverted.GetProperty("revert_reason").GetString()));
    }

    [Fact]
    public async Task Events_pages_match_the_spec_including_pre_confirmed_events()
    {
        var page = await sim.ResultAsync("starknet_getEvents", new
        {
            filter = new { from_block = new { block_number = 30 }, to_block = "pre_confirmed", chunk_size = 1000 },
        });
        SpecSchemas.AssertValid(Spec.MethodResult("starknet_getEvents"), page, "getEvents");
        var events = page.GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(events, e => !e.TryGetProperty("block_hash", out _));
        Assert.Contains(events, e => e.TryGetProperty("block_hash", out _));
    }

    [Fact]
    public async Task Call_results_and_block_transaction_counts_match_the_spec()
    {
        var call = await sim.ResultAsync("starknet_call", new object[]
        {
            new { contract_address = "0xbf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd", entry_point_selector = Ciro.Starknet.Selector.FromName("get_job_count").ToString(), calldata = Array.Empty<string>() },
            "latest",
        });
        SpecSchemas.AssertValid(Spec.MethodResult("starknet_call"), call, "call");
        var count = await sim.ResultAsync("starknet_getBlockTransactionCount", new object[] { new { block_number = 3 } });
        SpecSchemas.AssertValid(Spec.MethodResult("starknet_getBlockTransactionCount"), count, "getBlockTransactionCount");
    }

    /// <summary>A schema that accepted anything would make every test above pass: prove it rejects.</summary>
    [Fact]
    public async Task The_schema_check_rejects_a_broken_block()
    {
        var block = await sim.ResultAsync("starknet_getBlockWithTxHashes", new[] { "latest" });
        var broken = JsonDocument.Parse(block.GetRawText().Replace("\"status\":\"ACCEPTED_ON_L2\"", "\"status\":\"PENDING\"")).RootElement;
        Assert.False(SpecSchemas.IsValid(Spec.Component("BLOCK_WITH_TX_HASHES"), broken));
        var padded = JsonDocument.Parse(block.GetRawText().Replace("\"0x", "\"0x0")).RootElement;
        Assert.False(SpecSchemas.IsValid(Spec.Component("BLOCK_WITH_TX_HASHES"), padded), "felts with leading zeros break the FELT pattern");
    }

    private async Task<JsonElement> FindAsync(Func<JsonElement, bool> predicate)
    {
        var head = await sim.HeadAsync();
        for (var n = head; n >= 0; n--)
        {
            foreach (var item in (await sim.BlockAsync(n)).GetProperty("transactions").EnumerateArray())
            {
                var receipt = item.GetProperty("receipt");
                if (predicate(receipt))
                {
                    return receipt;
                }
            }
        }
        throw new InvalidOperationException("no receipt matched");
    }
}
