using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Tests;

/// <summary>Each chain scenario has the documented effect on the blocks and shows it in /admin/state.</summary>
public sealed class ScenarioTests
{
    private static async Task<List<JsonElement>> BlocksAsync(SimulatorFactory sim, long from, long to)
    {
        var blocks = new List<JsonElement>();
        for (var n = from; n <= to; n++)
        {
            blocks.Add(await sim.BlockAsync(n));
        }
        return blocks;
    }

    private static IEnumerable<(JsonElement Tx, JsonElement Receipt)> Transactions(IEnumerable<JsonElement> blocks) =>
        blocks.SelectMany(b => b.GetProperty("transactions").EnumerateArray()).Select(t => (t.GetProperty("transaction"), t.GetProperty("receipt")));

    private static string? SingleCallSelector(JsonElement tx)
    {
        var calldata = tx.GetProperty("calldata");
        return calldata[0].GetString() == "0x1" ? calldata[2].GetString() : null;
    }

    private static IEnumerable<long> L2Gas(IEnumerable<JsonElement> blocks, string function) =>
        Transactions(blocks)
            .Where(t => SingleCallSelector(t.Tx) == Selector.FromName(function).ToString() && t.Receipt.GetProperty("execution_status").GetString() == "SUCCEEDED")
            .Select(t => t.Receipt.GetProperty("execution_resources").GetProperty("l2_gas").GetInt64());

    private static async Task<JsonElement> Effects(SimulatorFactory sim) => (await sim.AdminAsync("/admin/state")).GetProperty("effects");

    [Fact]
    public async Task Gas_spike_multiplies_one_functions_l2_gas()
    {
        await using var sim = new SimulatorFactory(seed: 21, pregenerate: 20);
        var before = L2Gas(await BlocksAsync(sim, 5, 20), "submit_job_result").ToList();
        var scenario = await sim.AdminAsync("/admin/scenario", new { name = "gas-spike", parameters = new { function = "submit_job_result", factor = 6 } });
        Assert.Equal("gas-spike", scenario.GetProperty("chain").GetProperty("name").GetString());
        await sim.AdvanceAsync(15);
        var after = L2Gas(await BlocksAsync(sim, 21, 35), "submit_job_result").ToList();
        Assert.NotEmpty(before);
        Assert.NotEmpty(after);
        Assert.True(after.Average() > 4 * before.Average(), $"before {before.Average()}, after {after.Average()}");
        var unaffected = L2Gas(await BlocksAsync(sim, 21, 35), "submit_ai_job").Average();
        Assert.True(unaffected < 2 * L2Gas(await BlocksAsync(sim, 5, 20), "submit_ai_job").Average());
        Assert.True((await Effects(sim)).GetProperty("gas-spike.spikedCalls").GetInt64() >= after.Count);
    }

    [Fact]
    public async Task Failing_worker_never_completes_and_its_jobs_are_released()
    {
        await using var sim = new SimulatorFactory(seed: 22, pregenerate: 5);
        var worker = (await sim.BlockAsync(0)).GetProperty("transactions")[0].GetProperty("transaction").GetProperty("sender_address").GetString();
        await sim.AdminAsync("/admin/scenario", new { name = "failing-worker", parameters = new { worker } });
        await sim.AdvanceAsync(40);
        var blocks = await BlocksAsync(sim, 6, 45);
        var completedBy = Events(blocks, "JobCompleted").Count(e => e.GetProperty("keys")[3].GetString() == worker);
        var assigned = Events(blocks, "JobAssigned").Where(e => e.GetProperty("keys")[3].GetString() == worker).Select(e => e.GetProperty("keys")[1].GetString()).ToHashSet();
        var released = Events(blocks, "WorkerReleased").Select(e => e.GetProperty("keys")[2].GetString()).ToHashSet();
        Assert.Equal(0, completedBy);
        Assert.NotEmpty(assigned);
        Assert.True(assigned.Intersect(released).Any());
        Assert.Contains(Transactions(blocks), t => t.Tx.GetProperty("sender_address").GetString() == worker && t.Receipt.GetProperty("execution_status").GetString() == "REVERTED");
        Assert.True((await Effects(sim)).GetProperty("failing-worker.failedJobs").GetInt64() > 0);
    }

    [Fact]
    public async Task Slow_worker_takes_factor_times_longer()
    {
        await using var sim = new SimulatorFactory(seed: 23, pregenerate: 5);
        await sim.AdminAsync("/admin/scenario", new { name = "slow-worker", parameters = new { worker = 0, factor = 5 } });
        await sim.AdvanceAsync(60);
        var blocks = await BlocksAsync(sim, 6, 65);
        var worker = (await sim.BlockAsync(0)).GetProperty("transactions")[0].GetProperty("transaction").GetProperty("sender_address").GetString();
        var assignedAt = new Dictionary<string, long>();
        var delays = new List<long>();
        foreach (var (number, e) in blocks.SelectMany(b => b.GetProperty("transactions").EnumerateArray().SelectMany(t => t.GetProperty("receipt").GetProperty("events").EnumerateArray()).Select(e => (b.GetProperty("block_number").GetInt64(), e))))
        {
            var keys = e.GetProperty("keys");
            if (keys.GetArrayLength() != 4 || keys[3].GetString() != worker)
            {
                continue;
            }
            if (keys[0].GetString() == Selector.FromName("JobAssigned").ToString())
            {
                assignedAt[keys[1].GetString()!] = number;
            }
            else if (keys[0].GetString() == Selector.FromName("JobCompleted").ToString() && assignedAt.TryGetValue(keys[1].GetString()!, out var at))
            {
                delays.Add(number - at);
            }
        }
        Assert.NotEmpty(delays);
        Assert.All(delays, d => Assert.True(d >= 5, $"completion after {d} blocks"));
        Assert.True((await Effects(sim)).GetProperty("slow-worker.delayedJobs").GetInt64() > 0);
    }

    [Fact]
    public async Task Congestion_fills_blocks_and_raises_the_l2_gas_price_then_it_decays()
    {
        await using var sim = new SimulatorFactory(seed: 24, pregenerate: 5);
        await sim.AdminAsync("/admin/scenario", new { name = "congestion", parameters = new { transactions = 60, utilization = 0.95 } });
        await sim.AdvanceAsync(8);
        var blocks = await BlocksAsync(sim, 6, 13);
        foreach (var b in blocks)
        {
            var used = b.GetProperty("transactions").EnumerateArray().Sum(t => t.GetProperty("receipt").GetProperty("execution_resources").GetProperty("l2_gas").GetInt64());
            Assert.InRange(used, 5_400_000_000L, 6_000_000_000L);
            Assert.True(b.GetProperty("transaction_count").GetInt32() >= 60);
        }
        var prices = blocks.Select(b => Felt.Parse(b.GetProperty("l2_gas_price").GetProperty("price_in_fri").GetString()!).ToUInt64()).ToList();
        for (var i = 2; i < prices.Count; i++)
        {
            Assert.True(prices[i] > prices[i - 1], $"price fell during congestion: {string.Join(", ", prices)}");
        }
        Assert.True((await Effects(sim)).GetProperty("congestion.fullBlocks").GetInt64() >= 7);

        await sim.AdminAsync("/admin/scenario", new { name = "steady" });
        await sim.AdvanceAsync(4);
        var calm = await BlocksAsync(sim, 15, 17);
        var calmPrices = calm.Select(b => Felt.Parse(b.GetProperty("l2_gas_price").GetProperty("price_in_fri").GetString()!).ToUInt64()).ToList();
        Assert.True(calmPrices[2] < calmPrices[0]);
    }

    [Fact]
    public async Task Usage_surge_multiplies_job_submissions()
    {
        await using var sim = new SimulatorFactory(seed: 25, pregenerate: 20);
        var before = Events(await BlocksAsync(sim, 1, 20), "JobSubmitted").Count();
        await sim.AdminAsync("/admin/scenario", new { name = "usage-surge", parameters = new { factor = 5 } });
        await sim.AdvanceAsync(20);
        var after = Events(await BlocksAsync(sim, 21, 40), "JobSubmitted").Count();
        Assert.True(after > 3 * before, $"before {before}, after {after}");
        Assert.Equal(after, (await Effects(sim)).GetProperty("usage-surge.submittedJobs").GetInt64());
    }

    private static IEnumerable<JsonElement> Events(IEnumerable<JsonElement> blocks, string name) =>
        Transactions(blocks).SelectMany(t => t.Receipt.GetProperty("events").EnumerateArray())
            .Where(e => e.GetProperty("keys")[0].GetString() == Selector.FromName(name).ToString());
}
