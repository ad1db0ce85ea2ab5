using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Tests;

/// <summary>The optimisation scenario's seeded inefficiencies, as the trace API shows them: the numbers the
/// recommendation rules are tested against (Ciro.Analytics.Tests/RecommendationTests) come from here.</summary>
public sealed class OptimisationScenarioTests
{
    [Fact]
    public async Task Lab_control_and_heartbeat_transactions_carry_the_seeded_differences()
    {
        await using var sim = new SimulatorFactory(seed: 31, pregenerate: 3);
        await sim.AdminAsync("/admin/scenario", new { name = "optimisation", parameters = new { heartbeats = 3 } });
        await sim.AdvanceAsync(2);
        var traces = await sim.ResultAsync("starknet_traceBlockTransactions", new[] { new { block_number = await sim.HeadAsync() } });
        var calls = traces.EnumerateArray()
            .SelectMany(t => t.GetProperty("trace_root").GetProperty("execute_invocation").TryGetProperty("calls", out var c) ? c.EnumerateArray() : [])
            .ToList();
        JsonElement Call(string function, int keys) => calls.Single(c =>
            c.GetProperty("entry_point_selector").GetString() == Selector.FromName(function).ToString()
            && (keys < 0 || c.GetProperty("events")[0].GetProperty("keys").GetArrayLength() == keys));

        // record_result: the lab's event keys score and proof (5 keys), the control's has them as data (3 keys, 2 data); 2 × 5,120 L2 gas apart.
        var labRecord = Call("record_result", 5);
        var controlRecord = Call("record_result", 3);
        Assert.Equal(2, controlRecord.GetProperty("events")[0].GetProperty("data").GetArrayLength());
        Assert.Equal(2 * 5_120UL, Gas(labRecord) - Gas(controlRecord));
        // update_stats: 12 calldata felts against 3, 3 × 60,000 L2 gas apart.
        var updates = calls.Where(c => c.GetProperty("entry_point_selector").GetString() == Selector.FromName("update_stats").ToString()).ToList();
        var labUpdate = updates.Single(c => c.GetProperty("contract_address").GetString() == labRecord.GetProperty("contract_address").GetString());
        var controlUpdate = updates.Single(c => c.GetProperty("contract_address").GetString() != labUpdate.GetProperty("contract_address").GetString());
        Assert.Equal((12, 3), (labUpdate.GetProperty("calldata").GetArrayLength(), controlUpdate.GetProperty("calldata").GetArrayLength()));
        Assert.Equal(3 * 60_000UL, Gas(labUpdate) - Gas(controlUpdate));

        // The lab ledger's state diff: five slots, four of them 32-bit counters; the control ledger's two, none small.
        var diffs = traces.EnumerateArray().SelectMany(t => t.GetProperty("trace_root").GetProperty("state_diff").GetProperty("storage_diffs").EnumerateArray()).ToList();
        var lab = diffs.Single(d => d.GetProperty("address").GetString() == labRecord.GetProperty("contract_address").GetString());
        Assert.Equal(5, lab.GetProperty("storage_entries").GetArrayLength());
        Assert.Equal(4, lab.GetProperty("storage_entries").EnumerateArray().Count(e => Small(e)));
        var control = diffs.Single(d => d.GetProperty("address").GetString() == controlRecord.GetProperty("contract_address").GetString()
            && d.GetProperty("storage_entries").GetArrayLength() == 2);
        Assert.DoesNotContain(control.GetProperty("storage_entries").EnumerateArray(), e => Small(e));

        // Three heartbeats, one call each, from one sender (a reverted transaction's execute_invocation has no calls).
        var heartbeats = traces.EnumerateArray().Where(t => t.GetProperty("trace_root").GetProperty("execute_invocation").TryGetProperty("calls", out var c) && c.EnumerateArray()
            .Any(c => c.GetProperty("entry_point_selector").GetString() == Selector.FromName("heartbeat").ToString())).ToList();
        Assert.Equal(3, heartbeats.Count);
        Assert.All(heartbeats, t => Assert.Equal(1, t.GetProperty("trace_root").GetProperty("execute_invocation").GetProperty("calls").GetArrayLength()));
        Assert.Single(heartbeats.Select(t => t.GetProperty("trace_root").GetProperty("validate_invocation").GetProperty("contract_address").GetString()).Distinct());
        Assert.Equal(2, (await sim.AdminAsync("/admin/state")).GetProperty("effects").GetProperty("optimisation.blocks").GetInt64());

        var bad = await sim.Http.PostAsJsonAsync("/admin/scenario", new { name = "optimisation", parameters = new { heartbeats = 0 } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("parameters.heartbeats", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ledgers_are_deployed_with_old_and_current_Sierra_and_the_wallets_bound_gas_as_seeded()
    {
        await using var sim = new SimulatorFactory(seed: 31, pregenerate: 3);
        await sim.AdminAsync("/admin/scenario", new { name = "optimisation", parameters = new { heartbeats = 2 } });
        await sim.AdvanceAsync(3);
        var head = await sim.HeadAsync();

        // The first optimisation block deploys both ledgers: the lab one with a class compiled to Sierra 1.6.0 (billed by
        // VM resources), the control one with Sierra 1.7.0; later blocks deploy nothing.
        var diff = (await sim.ResultAsync("starknet_getStateUpdate", new[] { new { block_number = head - 2 } })).GetProperty("state_diff");
        var deployed = diff.GetProperty("deployed_contracts").EnumerateArray()
            .ToDictionary(d => Felt.Parse(d.GetProperty("address").GetString()!), d => d.GetProperty("class_hash").GetString()!);
        Assert.Equal(2, deployed.Count);
        async Task<ulong[]> Versions(Felt ledger)
        {
            var program = (await sim.ResultAsync("starknet_getClass", new object[] { "latest", deployed[ledger] })).GetProperty("sierra_program");
            return program.EnumerateArray().Take(6).Select(f => (ulong)Felt.Parse(f.GetString()!).Low).ToArray();
        }
        Assert.Equal(new ulong[] { 1, 6, 0, 2, 8, 2 }, await Versions(Ciro.ChainSimulator.Generation.Accounts.LabLedgerAddress));
        Assert.Equal(new ulong[] { 1, 7, 0, 2, 12, 0 }, await Versions(Ciro.ChainSimulator.Generation.Accounts.ControlLedgerAddress));
        var later = (await sim.ResultAsync("starknet_getStateUpdate", new[] { new { block_number = head } })).GetProperty("state_diff");
        Assert.Equal(0, later.GetProperty("deployed_contracts").GetArrayLength());

        // The truth the old-Sierra rule is checked against: the lab ledger's two calls a block (700,000 + 640,000 L2 gas)
        // and the 31.6% of it Sierra gas would not charge.
        var effects = (await sim.AdminAsync("/admin/state")).GetProperty("effects");
        Assert.Equal(3 * 1_340_000L, effects.GetProperty("optimisation.oldSierraL2Gas").GetInt64());
        Assert.Equal(3 * (700_000L - 478_528 + 640_000 - 437_511), effects.GetProperty("optimisation.recompileSavingL2Gas").GetInt64());

        // The generous wallet bounds 20x the 850,000 its transfer uses; the tight one bounds 690,000 and reverts on it.
        var block = await sim.ResultAsync("starknet_getBlockWithReceipts", new[] { new { block_number = head } });
        var bounds = block.GetProperty("transactions").EnumerateArray()
            .Select(t => (Bound: Felt.Parse(t.GetProperty("transaction").GetProperty("resource_bounds").GetProperty("l2_gas").GetProperty("max_amount").GetString()!).Low,
                Used: t.GetProperty("receipt").GetProperty("execution_resources").GetProperty("l2_gas").GetUInt64(),
                Reason: t.GetProperty("receipt").TryGetProperty("revert_reason", out var r) ? r.GetString() : null))
            .ToList();
        Assert.Equal((UInt128)17_000_000, Assert.Single(bounds, b => b.Bound >= 10 * (UInt128)b.Used).Bound);
        var tight = Assert.Single(bounds, b => b.Reason?.StartsWith("Insufficient max L2Gas", StringComparison.Ordinal) == true);
        Assert.Equal(((UInt128)690_000, 690_000UL), (tight.Bound, tight.Used));
        Assert.All(bounds.Where(b => b.Bound < 10 * (UInt128)b.Used && b.Reason is null), b => Assert.Equal((UInt128)(b.Used * 3 / 2), b.Bound));
        Assert.Equal(3L, effects.GetProperty("optimisation.tightReverts").GetInt64());
        Assert.Equal(3 * 19 * 850_000L, effects.GetProperty("optimisation.generousUnusedBoundL2Gas").GetInt64());
    }

    private static bool Small(JsonElement entry) => Felt.Parse(entry.GetProperty("value").GetString()!).CompareTo(new Felt(0, 1UL << 32)) < 0;

    private static ulong Gas(JsonElement call) => call.GetProperty("execution_resources").GetProperty("l2_gas").GetUInt64();
}
