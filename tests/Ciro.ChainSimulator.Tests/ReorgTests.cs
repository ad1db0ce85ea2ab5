using System.Net;
using System.Net.Http.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;

namespace Ciro.ChainSimulator.Tests;

/// <summary>A reorg of depth d replaces the last d blocks with different ones; the chain stays linked.</summary>
public sealed class ReorgTests
{
    [Fact]
    public async Task Reorg_changes_the_last_d_hashes_keeps_parent_links_and_continues_on_the_new_branch()
    {
        await using var sim = new SimulatorFactory(seed: 3, pregenerate: 30);
        var before = await HashesAsync(sim, 0, 30);
        var orphanTx = (await sim.ResultAsync("starknet_getBlockWithTxHashes", new[] { new { block_number = 30 } })).GetProperty("transactions")[0].GetString();

        var reorg = await sim.AdminAsync("/admin/reorg", new { depth = 4 });
        Assert.Equal(27, reorg.GetProperty("firstNumber").GetInt64());
        Assert.Equal(30, reorg.GetProperty("lastNumber").GetInt64());

        var after = await HashesAsync(sim, 0, 30);
        Assert.Equal(before[..27], after[..27]);
        for (var n = 27; n <= 30; n++)
        {
            Assert.NotEqual(before[n], after[n]);
            Assert.Equal(before[n], reorg.GetProperty("oldHashes")[n - 27].GetString());
            Assert.Equal(after[n], reorg.GetProperty("newHashes")[n - 27].GetString());
        }
        await AssertLinkedAsync(sim, 0, 30);

        // The orphaned hashes are gone, and the chain grows on the new branch.
        var byOldHash = await sim.RpcAsync("starknet_getBlockWithTxHashes", new[] { new { block_hash = before[30] } });
        Assert.Equal(24, byOldHash.GetProperty("error").GetProperty("code").GetInt32());
        var receipt = await sim.RpcAsync("starknet_getTransactionReceipt", new[] { orphanTx });
        if (receipt.TryGetProperty("result", out var r))
        {
            Assert.Equal(after[30], r.GetProperty("block_hash").GetString()); // re-included on the new branch
        }
        await sim.AdvanceAsync(3);
        await AssertLinkedAsync(sim, 25, 33);

        var state = await sim.AdminAsync("/admin/state");
        Assert.Equal(1, state.GetProperty("reorgCount").GetInt32());
        Assert.Equal(4, state.GetProperty("orphaned").GetProperty("blocks").GetInt64());
        Assert.Equal(34, state.GetProperty("counts").GetProperty("blocks").GetInt64());
    }

    [Fact]
    public async Task Reorg_deeper_than_l1_finality_is_rejected_naming_the_field()
    {
        await using var sim = new SimulatorFactory(seed: 3, pregenerate: 50);
        var response = await sim.Http.PostAsJsonAsync("/admin/reorg", new { depth = 40 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"depth\"", problem);
        Assert.Contains("40", problem);
    }

    /// <summary>The Aspire dashboard's commands post without a body.</summary>
    [Fact]
    public async Task Dashboard_commands_without_a_body_use_defaults_or_the_query()
    {
        await using var sim = new SimulatorFactory(seed: 4, pregenerate: 10);
        var reorg = await sim.Http.PostAsync("/admin/reorg", null);
        Assert.Equal(HttpStatusCode.OK, reorg.StatusCode);
        var state = await sim.AdminAsync("/admin/state");
        Assert.Equal(8, state.GetProperty("lastReorg").GetProperty("firstNumber").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await sim.Http.PostAsync("/admin/reorg?depth=1", null)).StatusCode);
        Assert.Equal(10, (await sim.AdminAsync("/admin/state")).GetProperty("lastReorg").GetProperty("firstNumber").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await sim.Http.PostAsync("/admin/scenario?name=usage-surge", null)).StatusCode);
        Assert.Equal("usage-surge", (await sim.AdminAsync("/admin/scenario")).GetProperty("chain").GetProperty("name").GetString());
    }

    private static async Task<List<string>> HashesAsync(SimulatorFactory sim, long from, long to)
    {
        var hashes = new List<string>();
        for (var n = from; n <= to; n++)
        {
            hashes.Add((await sim.ResultAsync("starknet_getBlockWithTxHashes", new[] { new { block_number = n } })).GetProperty("block_hash").GetString()!);
        }
        return hashes;
    }

    private static async Task AssertLinkedAsync(SimulatorFactory sim, long from, long to)
    {
        string? previous = null;
        for (var n = from; n <= to; n++)
        {
            var block = await sim.ResultAsync("starknet_getBlockWithTxHashes", new[] { new { block_number = n } });
            if (previous is not null)
            {
                Assert.Equal(previous, block.GetProperty("parent_hash").GetString());
            }
            previous = block.GetProperty("block_hash").GetString();
        }
        var pending = await sim.ResultAsync("starknet_getBlockWithTxHashes", new[] { "pre_confirmed" });
        Assert.Equal(await sim.HeadAsync() + 1, pending.GetProperty("block_number").GetInt64());
    }
}
