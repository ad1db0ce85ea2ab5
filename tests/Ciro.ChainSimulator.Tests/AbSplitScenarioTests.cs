using System.Net.Http.Json;
using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Tests;

/// <summary>The ab-split scenario: jobs split between JobManager A and a second deployment B whose submit_job_result
/// costs less L2 gas; the truth the A/B result endpoint is tested on.</summary>
public sealed class AbSplitScenarioTests
{
    private static SpecSchemas Spec => SpecSchemas.Instance;

    private static async Task<(JsonElement Truth, Dictionary<string, long> Effects, List<long> A, List<long> B)> RunAsync(ulong seed, object parameters, int blocks)
    {
        await using var sim = new SimulatorFactory(seed: seed, pregenerate: 5);
        await sim.AdminAsync("/admin/scenario", new { name = "ab-split", parameters });
        var truth = (await sim.Http.GetFromJsonAsync<JsonElement>("/admin/scenario")).GetProperty("chain").GetProperty("parameters").GetProperty("truth");
        await sim.AdvanceAsync(blocks);
        var update = await sim.ResultAsync("starknet_getStateUpdate", new object[] { new { block_number = 6 } });
        SpecSchemas.AssertValid(Spec.Component("STATE_UPDATE"), update, "state update deploying B");
        var deployed = Assert.Single(update.GetProperty("state_diff").GetProperty("deployed_contracts").EnumerateArray());
        Assert.Equal(Felt.Parse(truth.GetProperty("contractB").GetString()!), Felt.Parse(deployed.GetProperty("address").GetString()!));
        Assert.Equal(Felt.Parse(truth.GetProperty("classHashB").GetString()!), Felt.Parse(deployed.GetProperty("class_hash").GetString()!));

        var contractA = Felt.Parse(truth.GetProperty("contractA").GetString()!);
        var contractB = Felt.Parse(truth.GetProperty("contractB").GetString()!);
        var selector = Selector.FromName("submit_job_result");
        var a = new List<long>();
        var b = new List<long>();
        for (var n = 6; n <= 5 + blocks; n++)
        {
            foreach (var t in (await sim.BlockAsync(n)).GetProperty("transactions").EnumerateArray())
            {
                var calldata = t.GetProperty("transaction").GetProperty("calldata");
                if (calldata[0].GetString() != "0x1" || Felt.Parse(calldata[2].GetString()!) != selector
                    || t.GetProperty("receipt").GetProperty("execution_status").GetString() != "SUCCEEDED")
                {
                    continue;
                }
                var to = Felt.Parse(calldata[1].GetString()!);
                var gas = t.GetProperty("receipt").GetProperty("execution_resources").GetProperty("l2_gas").GetInt64();
                (to == contractB ? b : to == contractA ? a : throw new Xunit.Sdk.XunitException($"submit_job_result to {to}")).Add(gas);
            }
        }
        var effects = (await sim.Http.GetFromJsonAsync<JsonElement>("/admin/state")).GetProperty("effects").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetInt64());
        return (truth, effects, a, b);
    }

    [Fact]
    public async Task Variant_B_pays_the_seeded_share_less_for_submit_job_result_on_a_planned_even_split()
    {
        var (truth, effects, a, b) = await RunAsync(41, new { gasReduction = 0.3 }, 120);
        Assert.Equal(-600_000, truth.GetProperty("l2GasDifferencePerCall").GetDouble());
        Assert.Equal(0.5, truth.GetProperty("treatmentShare").GetDouble());
        // A also finishes the jobs submitted before the split (they are no arm's).
        Assert.InRange(a.Count, effects["ab-split.resultsA"], effects["ab-split.resultsA"] + 30);
        Assert.Equal(effects["ab-split.resultsB"], b.Count);
        // account overhead 450,000 + base 2,000,000 × (1 ± 8%) × factor (+ the hooks when sampled): the means differ
        // by ~600,000 gas (the standard error of the difference is ~10,000 at these counts).
        Assert.InRange(b.Average() - a.Average(), -650_000, -550_000);
        var share = (double)effects["ab-split.jobsB"] / (effects["ab-split.jobsA"] + effects["ab-split.jobsB"]);
        Assert.InRange(share, 0.4, 0.6);
    }

    [Fact]
    public async Task A_skewed_split_sends_that_share_of_jobs_to_B()
    {
        var (_, effects, a, b) = await RunAsync(42, new { gasReduction = 0, split = 0.7 }, 80);
        var share = (double)effects["ab-split.jobsB"] / (effects["ab-split.jobsA"] + effects["ab-split.jobsB"]);
        Assert.InRange(share, 0.6, 0.8);
        Assert.InRange(b.Average() - a.Average(), -60_000, 60_000);
    }

    [Theory]
    [InlineData("{\"gasReduction\":0.95}", "parameters.gasReduction")]
    [InlineData("{\"split\":1}", "parameters.split")]
    [InlineData("{\"split\":\"half\"}", "parameters.split")]
    public async Task Bad_parameters_are_a_400_naming_the_field(string parameters, string field)
    {
        await using var sim = new SimulatorFactory(seed: 43, pregenerate: 2);
        var body = $"{{\"name\":\"ab-split\",\"parameters\":{parameters}}}";
        var response = await sim.Http.PostAsync("/admin/scenario", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
