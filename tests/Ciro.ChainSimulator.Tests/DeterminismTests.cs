using Ciro.ChainSimulator.Tests.Infrastructure;

namespace Ciro.ChainSimulator.Tests;

/// <summary>Same seed and start time → the same chain, hash for hash; another seed → another chain.</summary>
public sealed class DeterminismTests
{
    private static async Task<List<string>> HashesAsync(SimulatorFactory sim, int blocks)
    {
        await sim.AdvanceAsync(5); // live sealing goes through the pre-confirmed path, not pre-generation
        var hashes = new List<string>();
        for (var n = 0; n <= blocks + 5; n++)
        {
            var block = await sim.ResultAsync("starknet_getBlockWithTxHashes", new[] { new { block_number = n } });
            hashes.Add(block.GetProperty("block_hash").GetString()!);
            hashes.AddRange(block.GetProperty("transactions").EnumerateArray().Select(t => t.GetString()!));
        }
        return hashes;
    }

    [Fact]
    public async Task Same_seed_gives_the_same_blocks_and_transactions()
    {
        await using var a = new SimulatorFactory(seed: 11, pregenerate: 20);
        await using var b = new SimulatorFactory(seed: 11, pregenerate: 20);
        await using var c = new SimulatorFactory(seed: 12, pregenerate: 20);
        var first = await HashesAsync(a, 20);
        Assert.Equal(first, await HashesAsync(b, 20));
        var other = await HashesAsync(c, 20);
        Assert.NotEqual(first[0], other[0]);
        Assert.Empty(first.Intersect(other));
    }

    [Fact]
    public async Task Pre_generated_and_live_blocks_are_the_same_chain()
    {
        await using var pregenerated = new SimulatorFactory(seed: 5, pregenerate: 12);
        await using var live = new SimulatorFactory(seed: 5, pregenerate: 0);
        await live.AdvanceAsync(12);
        for (var n = 0; n <= 12; n++)
        {
            var x = await pregenerated.ResultAsync("starknet_getBlockWithTxHashes", new[] { new { block_number = n } });
            var y = await live.ResultAsync("starknet_getBlockWithTxHashes", new[] { new { block_number = n } });
            Assert.Equal(x.GetRawText(), y.GetRawText());
        }
    }
}
