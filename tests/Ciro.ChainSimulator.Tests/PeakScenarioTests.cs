using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Tests;

/// <summary>peak and peak-burst build blocks of exactly the requested shape: transactions per block, reverted share,
/// multicall share of the other users' transactions, and the idle/full/steady course in time.</summary>
public sealed class PeakScenarioTests
{
    // The factory's blocks are 10 minutes apart, so 10 minutes of scenario time = 1 block.
    private static readonly string Transfer = Selector.FromName("transfer").ToString();
    private static readonly string[] KeeperCalls = [Selector.FromName("flush_calls").ToString(), Selector.FromName("push_worker_sample").ToString()];

    private sealed record BlockShape(long Number, int Transactions, int Reverted, int CiroTransactions, int UserTransfers, int UserMulticalls,
        int KeeperTransactions, long L2Gas, int JobsSubmitted, List<string> RevertReasons, List<int> RevertedEventCounts);

    private static string[] CallSelectors(JsonElement tx)
    {
        var calldata = tx.GetProperty("calldata").EnumerateArray().Select(f => f.GetString()!).ToArray();
        var selectors = new List<string>();
        var i = 1;
        for (var c = 0UL; c < Felt.Parse(calldata[0]).ToUInt64(); c++)
        {
            selectors.Add(calldata[i + 1]);
            i += 3 + (int)Felt.Parse(calldata[i + 2]).ToUInt64();
        }
        Assert.Equal(calldata.Length, i);
        return selectors.ToArray();
    }

    private static async Task<BlockShape> ShapeAsync(SimulatorFactory sim, long number)
    {
        var block = await sim.BlockAsync(number);
        int reverted = 0, ciro = 0, transfers = 0, multicalls = 0, keeper = 0, submitted = 0;
        long gas = 0;
        var reasons = new List<string>();
        var revertedEvents = new List<int>();
        var jobSubmitted = Selector.FromName("JobSubmitted").ToString();
        foreach (var entry in block.GetProperty("transactions").EnumerateArray())
        {
            var receipt = entry.GetProperty("receipt");
            var calls = CallSelectors(entry.GetProperty("transaction"));
            gas += receipt.GetProperty("execution_resources").GetProperty("l2_gas").GetInt64();
            if (receipt.GetProperty("execution_status").GetString() == "REVERTED")
            {
                reverted++;
                reasons.Add(receipt.GetProperty("revert_reason").GetString()!);
                revertedEvents.Add(receipt.GetProperty("events").GetArrayLength());
            }
            submitted += receipt.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("keys")[0].GetString() == jobSubmitted);
            if (calls.All(s => s == Transfer))
            {
                transfers++;
                multicalls += calls.Length > 1 ? 1 : 0;
            }
            else if (KeeperCalls.Contains(calls[0]))
            {
                keeper++;
            }
            else
            {
                ciro++;
            }
        }
        return new BlockShape(number, block.GetProperty("transactions").GetArrayLength(), reverted, ciro, transfers, multicalls, keeper, gas,
            submitted, reasons, revertedEvents);
    }

    private static async Task<List<BlockShape>> ShapesAsync(SimulatorFactory sim, long from, long to)
    {
        var shapes = new List<BlockShape>();
        for (var n = from; n <= to; n++)
        {
            shapes.Add(await ShapeAsync(sim, n));
        }
        return shapes;
    }

    [Fact]
    public async Task Peak_blocks_hold_500_transactions_of_which_25_revert_and_a_fifth_of_the_fillers_are_multicalls()
    {
        await using var sim = new SimulatorFactory(seed: 31, pregenerate: 10);
        var scenario = await sim.AdminAsync("/admin/scenario", new { name = "peak" });
        Assert.Equal("peak", scenario.GetProperty("chain").GetProperty("name").GetString());
        await sim.AdvanceAsync(8);

        var shapes = await ShapesAsync(sim, 11, 18);
        foreach (var s in shapes)
        {
            Assert.Equal(500, s.Transactions);
            Assert.Equal(25, s.Reverted);
            Assert.Equal(500 - s.CiroTransactions - s.KeeperTransactions, s.UserTransfers);
            Assert.Equal((int)Math.Round(0.2 * s.UserTransfers), s.UserMulticalls);
            Assert.InRange(s.L2Gas, 1L, 6_000_000_000L); // within Starknet's per-block L2 gas limit
            // A reverted transaction keeps only its fee Transfer; the fillers' reason is the token's balance check.
            Assert.All(s.RevertedEventCounts, n => Assert.Equal(1, n));
            Assert.Contains(s.RevertReasons, r => r.Contains("u256_sub Overflow", StringComparison.Ordinal));
        }
        // The CIRO job pipeline fills: ~40 submissions a block, each job 4-5 transactions over its life.
        Assert.InRange(shapes.Average(s => s.JobsSubmitted), 30, 50);
        Assert.True(shapes[^1].CiroTransactions > 150, $"CIRO transactions in the last block: {shapes[^1].CiroTransactions}");
        Assert.Equal(8, (await sim.AdminAsync("/admin/state")).GetProperty("effects").GetProperty("peak.fullBlocks").GetInt64());
    }

    [Fact]
    public async Task Peak_parameters_shape_the_block_and_minutes_bound_it_then_the_chain_is_steady_again()
    {
        await using var sim = new SimulatorFactory(seed: 32, pregenerate: 10);
        await sim.AdminAsync("/admin/scenario", new
        {
            name = "peak",
            parameters = new { transactions = 200, revertShare = 0.1, multicallShare = 0.5, jobsPerBlock = 10, minutes = 30 },
        });
        await sim.AdvanceAsync(6);

        var shapes = await ShapesAsync(sim, 11, 16);
        foreach (var s in shapes.Take(3))
        {
            Assert.Equal(200, s.Transactions);
            Assert.Equal(20, s.Reverted);
            Assert.Equal((int)Math.Round(0.5 * s.UserTransfers), s.UserMulticalls);
        }
        foreach (var s in shapes.Skip(3))
        {
            Assert.Equal(0, s.UserTransfers); // steady: CIRO transactions only
            Assert.InRange(s.Transactions, 1, 150);
        }
        Assert.Equal("steady", (await sim.AdminAsync("/admin/scenario")).GetProperty("chain").GetProperty("name").GetString());
        Assert.Equal(3, (await sim.AdminAsync("/admin/state")).GetProperty("effects").GetProperty("peak.fullBlocks").GetInt64());
    }

    [Fact]
    public async Task Peak_burst_is_idle_then_full_then_steady()
    {
        await using var sim = new SimulatorFactory(seed: 33, pregenerate: 10);
        await sim.AdminAsync("/admin/scenario", new { name = "peak-burst", parameters = new { idleMinutes = 20, minutes = 30 } });
        await sim.AdvanceAsync(7);

        var shapes = await ShapesAsync(sim, 11, 17);
        Assert.All(shapes.Take(2), s => Assert.Equal(s.KeeperTransactions, s.Transactions)); // only the monitor's keeper, if an hour ends
        Assert.All(shapes.Skip(2).Take(3), s => Assert.Equal((500, 25), (s.Transactions, s.Reverted)));
        Assert.All(shapes.Skip(5), s => Assert.Equal(0, s.UserTransfers));
        var effects = (await sim.AdminAsync("/admin/state")).GetProperty("effects");
        Assert.Equal(2, effects.GetProperty("peak-burst.idleBlocks").GetInt64());
        Assert.Equal(3, effects.GetProperty("peak-burst.fullBlocks").GetInt64());
    }

    [Theory]
    [InlineData("peak", "transactions", 501)]
    [InlineData("peak", "revertShare", 0.9)]
    [InlineData("peak", "minutes", 0)]
    [InlineData("peak-burst", "idleMinutes", -1)]
    public async Task Out_of_range_parameters_are_a_400_naming_the_field_and_the_value(string name, string field, double value)
    {
        await using var sim = new SimulatorFactory(seed: 34, pregenerate: 1);
        var response = await sim.Http.PostAsync("/admin/scenario", JsonContent(new Dictionary<string, object>
        {
            ["name"] = name,
            ["parameters"] = new Dictionary<string, object> { [field] = value },
        }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var message = problem.GetProperty("errors").GetProperty($"parameters.{field}")[0].GetString()!;
        Assert.Contains($"got {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}", message, StringComparison.Ordinal);
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
