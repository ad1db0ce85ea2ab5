using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Tests;

/// <summary>Class information: state updates (deployed and replaced classes), getClassHashAt and getClass, checked
/// against the v0.10.3 schemas, and the upgrade scenario's effect on gas (the truth the before/after is tested on).</summary>
public sealed class ContractClassTests
{
    private static SpecSchemas Spec => SpecSchemas.Instance;

    /// <summary>Block 0 deploys JobManager first (then CDCPool, the fee token, MetricsRegistry).</summary>
    private static async Task<string> JobManagerAddressAsync(SimulatorFactory sim) =>
        (await sim.ResultAsync("starknet_getStateUpdate", new object[] { new { block_number = 0 } }))
            .GetProperty("state_diff").GetProperty("deployed_contracts")[0].GetProperty("address").GetString()!;

    private static IEnumerable<(string Selector, long L2Gas, string Status)> SingleCalls(JsonElement block) =>
        block.GetProperty("transactions").EnumerateArray()
            .Where(t => t.GetProperty("transaction").GetProperty("calldata")[0].GetString() == "0x1")
            .Select(t => (t.GetProperty("transaction").GetProperty("calldata")[2].GetString()!,
                t.GetProperty("receipt").GetProperty("execution_resources").GetProperty("l2_gas").GetInt64(),
                t.GetProperty("receipt").GetProperty("execution_status").GetString()!));

    [Fact]
    public async Task State_updates_class_hashes_and_classes_match_the_spec()
    {
        await using var sim = new SimulatorFactory(seed: 31, pregenerate: 5);
        var genesis = await sim.ResultAsync("starknet_getStateUpdate", new object[] { new { block_number = 0 } });
        SpecSchemas.AssertValid(Spec.Component("STATE_UPDATE"), genesis, "state update of block 0");
        var deployed = genesis.GetProperty("state_diff").GetProperty("deployed_contracts").EnumerateArray().ToList();
        Assert.Equal(4, deployed.Count); // JobManager, CDCPool, the fee token, MetricsRegistry
        var later = await sim.ResultAsync("starknet_getStateUpdate", new object[] { new { block_number = 3 } });
        SpecSchemas.AssertValid(Spec.Component("STATE_UPDATE"), later, "state update of block 3");
        Assert.Empty(later.GetProperty("state_diff").GetProperty("deployed_contracts").EnumerateArray());
        Assert.Equal((await sim.BlockAsync(3)).GetProperty("transactions").EnumerateArray()
            .Select(t => t.GetProperty("transaction").GetProperty("sender_address").GetString()).Distinct().Count(),
            later.GetProperty("state_diff").GetProperty("nonces").GetArrayLength());
        var pending = await sim.ResultAsync("starknet_getStateUpdate", new object[] { "pre_confirmed" });
        SpecSchemas.AssertValid(Spec.Component("PRE_CONFIRMED_STATE_UPDATE"), pending, "pre-confirmed state update");
        SpecSchemas.AssertValid(Spec.MethodResult("starknet_getStateUpdate"), pending, "pre-confirmed state update, method result");

        var address = deployed[0].GetProperty("address").GetString()!;
        var classHash = await sim.ResultAsync("starknet_getClassHashAt", new object[] { "latest", address });
        SpecSchemas.AssertValid(Spec.MethodResult("starknet_getClassHashAt"), classHash, "getClassHashAt");
        Assert.Equal(deployed[0].GetProperty("class_hash").GetString(), classHash.GetString());

        var contractClass = await sim.ResultAsync("starknet_getClass", new object[] { "latest", classHash.GetString()! });
        SpecSchemas.AssertValid(Spec.Component("CONTRACT_CLASS"), contractClass, "getClass");
        var program = contractClass.GetProperty("sierra_program").EnumerateArray().Select(f => Felt.Parse(f.GetString()!).ToUInt64()).Take(6).ToArray();
        Assert.Equal(new ulong[] { 1, 6, 0, 2, 8, 2 }, program); // Sierra 1.6.0, compiler 2.8.2
        Assert.Equal("0.1.0", contractClass.GetProperty("contract_class_version").GetString());
        var classAt = await sim.ResultAsync("starknet_getClassAt", new object[] { "latest", address });
        SpecSchemas.AssertValid(Spec.MethodResult("starknet_getClassAt"), classAt, "getClassAt");
        Assert.Equal(contractClass.ToString(), classAt.ToString());

        var unknownClass = await sim.RpcAsync("starknet_getClass", new object[] { "latest", "0x123" });
        Assert.Equal(Spec.Error("CLASS_HASH_NOT_FOUND").Code, unknownClass.GetProperty("error").GetProperty("code").GetInt32());
        var unknownContract = await sim.RpcAsync("starknet_getClassHashAt", new object[] { "latest", "0x123" });
        Assert.Equal(Spec.Error("CONTRACT_NOT_FOUND").Code, unknownContract.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task An_upgrade_replaces_the_class_once_and_cuts_one_functions_gas_by_the_factor()
    {
        await using var sim = new SimulatorFactory(seed: 32, pregenerate: 30);
        var address = await JobManagerAddressAsync(sim);
        var oldClass = (await sim.ResultAsync("starknet_getClassHashAt", new object[] { "latest", address })).GetString();
        await sim.AdminAsync("/admin/scenario", new { name = "upgrade", parameters = new { contract = "JobManager", function = "submit_job_result", gasFactor = 0.7 } });
        await sim.AdvanceAsync(30);
        var upgradeBlock = 31;
        var update = await sim.ResultAsync("starknet_getStateUpdate", new object[] { new { block_number = upgradeBlock } });
        SpecSchemas.AssertValid(Spec.Component("STATE_UPDATE"), update, "state update with a replaced class");
        var replaced = Assert.Single(update.GetProperty("state_diff").GetProperty("replaced_classes").EnumerateArray());
        Assert.Equal(Felt.Parse(address), Felt.Parse(replaced.GetProperty("contract_address").GetString()!));
        var newClass = replaced.GetProperty("class_hash").GetString();
        Assert.NotEqual(oldClass, newClass);
        Assert.Equal(oldClass, (await sim.ResultAsync("starknet_getClassHashAt", new object[] { new { block_number = upgradeBlock - 1 }, address })).GetString());
        Assert.Equal(newClass, (await sim.ResultAsync("starknet_getClassHashAt", new object[] { new { block_number = upgradeBlock }, address })).GetString());
        for (var n = upgradeBlock + 1; n <= upgradeBlock + 29; n++)
        {
            var next = await sim.ResultAsync("starknet_getStateUpdate", new object[] { new { block_number = n } });
            Assert.Empty(next.GetProperty("state_diff").GetProperty("replaced_classes").EnumerateArray()); // once
        }
        var upgraded = await sim.ResultAsync("starknet_getClass", new object[] { "latest", newClass! });
        Assert.Equal(new ulong[] { 1, 7, 0, 2, 12, 0 },
            upgraded.GetProperty("sierra_program").EnumerateArray().Take(6).Select(f => Felt.Parse(f.GetString()!).ToUInt64()).ToArray());

        // Gas of the upgraded function: account overhead 450,000 + base 2,000,000 × (1 ± 8%) × factor (+ the monitor's
        // hooks when sampled): the mean drops by ~600,000; an unaffected function stays.
        var selector = Selector.FromName("submit_job_result").ToString();
        var before = new List<long>();
        var after = new List<long>();
        for (var n = 1; n <= 60; n++)
        {
            var calls = SingleCalls(await sim.BlockAsync(n)).Where(c => c.Selector == selector && c.Status == "SUCCEEDED").Select(c => c.L2Gas);
            (n < upgradeBlock ? before : after).AddRange(calls);
        }
        var drop = before.Average() - after.Average();
        Assert.InRange(drop, 500_000, 700_000);
    }

    [Fact]
    public async Task A_no_op_upgrade_leaves_every_other_transaction_exactly_as_it_was()
    {
        await using var plain = new SimulatorFactory(seed: 33, pregenerate: 10);
        await using var upgraded = new SimulatorFactory(seed: 33, pregenerate: 10);
        await upgraded.AdminAsync("/admin/scenario", new { name = "upgrade", parameters = new { contract = "CDCPool" } });
        await plain.AdvanceAsync(10);
        await upgraded.AdvanceAsync(10);
        var upgradeSelector = Selector.FromName("upgrade").ToString();
        for (var n = 11; n <= 20; n++)
        {
            var a = SingleCalls(await plain.BlockAsync(n)).Select(c => (c.Selector, c.L2Gas)).ToList();
            var b = SingleCalls(await upgraded.BlockAsync(n)).Where(c => c.Selector != upgradeSelector).Select(c => (c.Selector, c.L2Gas)).ToList();
            Assert.Equal(a, b);
        }
        var update = await upgraded.ResultAsync("starknet_getStateUpdate", new object[] { new { block_number = 11 } });
        Assert.Single(update.GetProperty("state_diff").GetProperty("replaced_classes").EnumerateArray());
    }

    [Theory]
    [InlineData("{\"contract\":\"FeeToken\"}", "parameters.contract")]
    [InlineData("{\"function\":\"allocate_job\",\"gasFactor\":0.5}", "parameters.function")]
    [InlineData("{\"gasFactor\":0.5}", "parameters.function")]
    [InlineData("{\"function\":\"submit_job_result\",\"gasFactor\":0}", "parameters.gasFactor")]
    public async Task Bad_upgrade_parameters_are_a_400_naming_the_field(string parameters, string field)
    {
        await using var sim = new SimulatorFactory(seed: 34, pregenerate: 2);
        var body = $"{{\"name\":\"upgrade\",\"parameters\":{parameters}}}";
        var response = await sim.Http.PostAsync("/admin/scenario", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
