using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;

namespace Ciro.ChainSimulator.Tests;

/// <summary>Simulator:ChainFile: a restarted simulator serves the same chain, caught up to the wall clock, so an
/// indexed database goes on from its cursor; other chain options start a new chain.</summary>
public sealed class ChainFileTests : IDisposable
{
    private const int IntervalMs = 600_000; // 10 min: the timer never fires during a test; the clock is ours
    private readonly string _directory = Directory.CreateTempSubdirectory("ciro-chainfile-").FullName;
    private string ChainFile => Path.Combine(_directory, "simulator-chain.json");
    private static readonly DateTimeOffset FirstStart = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_restart_rebuilds_the_same_blocks_and_the_ones_due_while_it_was_stopped()
    {
        string[] firstRun;
        string[] sealedLive;
        await using (var first = Start(seed: 42, FirstStart))
        {
            Assert.Equal(5, await first.HeadAsync());
            firstRun = await HashesAsync(first, 0, 5);
            // What the first run's timer would have sealed over the next 5 hours: 30 blocks.
            await first.AdminAsync("/admin/advance", new { blocks = 30 });
            sealedLive = await HashesAsync(first, 0, 35);
        }
        var file = JsonDocument.Parse(await File.ReadAllTextAsync(ChainFile)).RootElement;
        Assert.Equal(FirstStart.ToUnixTimeSeconds() - 5 * IntervalMs / 1000, file.GetProperty("GenesisTimestamp").GetInt64());

        await using var second = Start(seed: 42, FirstStart.AddHours(5));
        Assert.Equal(35, await second.HeadAsync());
        Assert.Equal(firstRun, await HashesAsync(second, 0, 5));
        Assert.Equal(sealedLive, await HashesAsync(second, 0, 35));
        var head = await second.ResultAsync("starknet_getBlockWithTxHashes", new[] { new { block_number = 35 } });
        Assert.Equal(FirstStart.AddHours(5).ToUnixTimeSeconds(), head.GetProperty("timestamp").GetInt64());
    }

    [Fact]
    public async Task Other_chain_options_start_a_new_chain_and_rewrite_the_file()
    {
        string[] seed42;
        await using (var first = Start(seed: 42, FirstStart))
        {
            seed42 = await HashesAsync(first, 0, 5);
        }
        await using var other = Start(seed: 43, FirstStart.AddHours(5));
        Assert.Equal(5, await other.HeadAsync()); // a new chain: only its pre-generated history, ending now
        Assert.NotEqual(seed42[0], (await HashesAsync(other, 0, 0))[0]);
        var file = JsonDocument.Parse(await File.ReadAllTextAsync(ChainFile)).RootElement;
        Assert.Equal(43ul, file.GetProperty("Seed").GetUInt64());
        Assert.Equal(FirstStart.AddHours(5).ToUnixTimeSeconds() - 5 * IntervalMs / 1000, file.GetProperty("GenesisTimestamp").GetInt64());
    }

    private SimulatorFactory Start(ulong seed, DateTimeOffset now) => new(seed, pregenerate: 5, blockIntervalMs: IntervalMs,
        settings: new() { ["Simulator:StartTimestamp"] = "0", ["Simulator:ChainFile"] = ChainFile }, clock: new FixedClock(now));

    private static async Task<string[]> HashesAsync(SimulatorFactory sim, int from, int to)
    {
        var hashes = new string[to - from + 1];
        for (var n = from; n <= to; n++)
        {
            hashes[n - from] = (await sim.ResultAsync("starknet_getBlockWithTxHashes", new[] { new { block_number = n } })).GetProperty("block_hash").GetString()!;
        }
        return hashes;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
