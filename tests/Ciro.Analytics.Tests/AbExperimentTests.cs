using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Analytics.Experiments;

namespace Ciro.Analytics.Tests;

/// <summary>
/// Operator-created A/B experiments end to end on the simulator's ab-split scenario: six hours of 10-minute blocks
/// (the CUPED pre-period), then 150 blocks with jobs split 50/50 between JobManager A and B, whose submit_job_result
/// costs 20% less of its 2,000,000 base (truth: −400,000 L2 gas per call), then 150 blocks split 70/30 towards B.
/// The backfill stores it; experiments created through the API read it.
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class AbExperimentTests(AnalyticsFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private const long Genesis = 1_763_884_800;
    private const int BlockSeconds = 600;
    private const int PreBlocks = 36;
    private const int SplitBlocks = 150;
    private const string OperatorKey = "ab-experiment-tests-operator-key";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string At(long block) => DateTimeOffset.FromUnixTimeSeconds(Genesis + block * BlockSeconds).ToString("O");

    [Fact]
    public async Task The_interval_holds_the_seeded_difference_and_the_sample_ratio_check_flags_only_the_skewed_split()
    {
        using var simulator = await SimulatedChain.StartAsync("Seed=14", $"StartTimestamp={Genesis}", $"BlockIntervalMs={BlockSeconds * 1000}",
            $"PregenerateBlocks={PreBlocks}");
        await simulator.PostAsync("/admin/scenario", new { name = "ab-split", parameters = new { gasReduction = 0.2 } });
        var truth = (await simulator.Admin.GetFromJsonAsync<JsonElement>("/admin/scenario")).GetProperty("chain").GetProperty("parameters").GetProperty("truth");
        await simulator.PostAsync("/admin/advance", new { blocks = SplitBlocks });
        var evenEffects = await EffectsAsync(simulator);
        await simulator.PostAsync("/admin/scenario", new { name = "ab-split", parameters = new { gasReduction = 0.2, split = 0.7 } });
        await simulator.PostAsync("/admin/advance", new { blocks = SplitBlocks });
        await simulator.PostAsync("/admin/scenario", new { name = "steady" });
        await simulator.PostAsync("/admin/advance", new { blocks = 6 });
        var trueDifference = truth.GetProperty("l2GasDifferencePerCall").GetDouble();
        Assert.Equal(-400_000, trueDifference);
        var head = await simulator.HeadAsync();
        await using var db = await fixture.NewDatabaseAsync();
        await simulator.BackfillAsync(db.ConnectionString, head);
        await using var app = fixture.App(db, ("Ciro:Auth:ServiceKeys:ops:Key", OperatorKey), ("Ciro:Auth:ServiceKeys:ops:Role", "operator"));
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);

        // The planned 50/50 split, between the two deployments, with the pre-period for CUPED.
        var even = await CreateAsync(http, new
        {
            name = "submit_job_result 20% cheaper (deployments)",
            variantKind = "contract",
            control = truth.GetProperty("contractA").GetString(),
            treatment = truth.GetProperty("contractB").GetString(),
            entryPoint = "submit_job_result",
            treatmentShare = 0.5,
            plannedUnitsPerArm = 500,
            startTime = At(PreBlocks + 1),
            endTime = At(PreBlocks + 1 + SplitBlocks),
            prePeriodHours = 6,
        });
        var result = await ResultAsync(http, even.Id);
        Print(result);
        Assert.True(result.Difference.Contains(trueDifference), $"{result.Difference} does not hold the truth {trueDifference}");
        Assert.True(result.Difference.HalfWidth < 60_000, $"half-width {result.Difference.HalfWidth:F0}");
        Assert.Equal("Effect", result.Decision);
        Assert.False(result.SampleRatio.Mismatch, $"p = {result.SampleRatio.PValue}");
        Assert.Equal("ok", result.Guardrail);
        Assert.True(result.CupedApplied);
        Assert.Equal(8, result.CallersWithPrePeriod); // every worker submitted results in the six hours before
        Assert.InRange(result.Control.Calls + result.Treatment.Calls, 300, 600);
        Assert.InRange(result.Treatment.Calls, 0.4 * (result.Control.Calls + result.Treatment.Calls), 0.6 * (result.Control.Calls + result.Treatment.Calls));
        Assert.Equal(Ciro.Starknet.Felt.Parse(truth.GetProperty("contractB").GetString()!).ToString(), Ciro.Starknet.Felt.Parse(result.Treatment.Variant).ToString());
        // Latency beside gas: JobManager's deployments run jobs, so it is the job completion time. The split sends a job
        // by a hash of its id and the variants differ only in gas, so the true difference is 0 s; every job the
        // simulator sent to an arm in the window is a unit or still open at its end.
        var latency = result.Latency;
        Assert.Equal(AbExperimentStore.JobCompletionLatency, latency.Kind);
        Assert.NotNull(latency.Difference);
        Assert.True(latency.Difference.Contains(0), $"latency B − A {latency.Difference} does not hold 0");
        Assert.Equal(evenEffects["ab-split.jobsA"], latency.Control.Units + latency.OpenJobsControl);
        Assert.Equal(evenEffects["ab-split.jobsB"], latency.Treatment.Units + latency.OpenJobsTreatment);
        Assert.InRange(latency.Control.Units, 0.8 * evenEffects["ab-split.resultsA"], evenEffects["ab-split.resultsA"]);
        // The answers the dashboard's Experiments view renders for its screenshots (ClientApp/e2e/experiments-screenshots.mjs).
        var recorded = Path.Combine(TestData.RepoRoot, "TestResults", "experiments");
        Directory.CreateDirectory(recorded);
        await File.WriteAllTextAsync(Path.Combine(recorded, "result.json"), await http.GetStringAsync($"/api/experiments/ab/{even.Id}/result"));

        // The skewed part (70% of jobs to B) against a planned 50/50, the variants named by class hash.
        var skewed = await CreateAsync(http, new
        {
            name = "same change, skewed split (class hashes)",
            variantKind = "class",
            control = truth.GetProperty("classHashA").GetString(),
            treatment = truth.GetProperty("classHashB").GetString(),
            entryPoint = "submit_job_result",
            startTime = At(PreBlocks + 1 + SplitBlocks),
        });
        var skewedResult = await ResultAsync(http, skewed.Id);
        Print(skewedResult);
        Assert.True(skewedResult.SampleRatio.Mismatch, $"observed {skewedResult.SampleRatio.ObservedTreatmentShare}, p = {skewedResult.SampleRatio.PValue}");
        Assert.InRange(skewedResult.SampleRatio.ObservedTreatmentShare!.Value, 0.6, 0.8);
        Assert.Equal("SampleRatioMismatch", skewedResult.Decision);
        Assert.True(skewedResult.Difference.Contains(trueDifference), $"{skewedResult.Difference}");
        Assert.False(skewedResult.CupedApplied);
        Assert.Equal(AbExperimentStore.JobCompletionLatency, skewedResult.Latency.Kind);
        Assert.True(skewedResult.Latency.Difference!.Contains(0), $"latency B − A {skewedResult.Latency.Difference} does not hold 0");
        await File.WriteAllTextAsync(Path.Combine(recorded, "list.json"), await http.GetStringAsync("/api/experiments/ab"));

        // Lifecycle: stop (once), archive; the default list hides archived experiments.
        var stopped = await http.PostAsync($"/api/experiments/ab/{skewed.Id}/stop", null);
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.Equal("stopped", (await stopped.Content.ReadFromJsonAsync<AbExperiment>(Json))!.Status);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync($"/api/experiments/ab/{skewed.Id}/stop", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/api/experiments/ab/{skewed.Id}/archive", null)).StatusCode);
        var listed = await http.GetFromJsonAsync<List<AbExperiment>>("/api/experiments/ab", Json);
        Assert.Equal([even.Id], listed!.Select(e => e.Id));
        var archived = await http.GetFromJsonAsync<List<AbExperiment>>("/api/experiments/ab?status=archived", Json);
        Assert.Equal([skewed.Id], archived!.Select(e => e.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/experiments/ab/999/result")).StatusCode);
    }

    [Theory]
    [InlineData("name", "")]
    [InlineData("variantKind", "deployment")]
    [InlineData("control", "0xzz")]
    [InlineData("treatment", "0x1")] // the same as control
    [InlineData("entryPoint", "submit job")]
    [InlineData("metric", "latency")]
    [InlineData("treatmentShare", 1.0)]
    [InlineData("alpha", 0.5)]
    [InlineData("plannedUnitsPerArm", 0L)]
    [InlineData("startTime", "yesterday")]
    [InlineData("endTime", "2025-01-01T00:00:00Z")]
    [InlineData("prePeriodHours", 0)]
    public async Task Bad_input_is_a_400_naming_the_field(string field, object value)
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(db, ("Ciro:Auth:ServiceKeys:ops:Key", OperatorKey), ("Ciro:Auth:ServiceKeys:ops:Role", "operator"));
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);
        var body = new Dictionary<string, object>
        {
            ["name"] = "x", ["variantKind"] = "contract", ["control"] = "0x1", ["treatment"] = "0x2", ["entryPoint"] = "submit_job_result",
            ["startTime"] = "2026-01-01T00:00:00Z",
        };
        body[field] = value;
        var response = await http.PostAsJsonAsync("/api/experiments/ab", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/experiments/ab/abc/result")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/experiments/ab?status=done")).StatusCode);
    }

    private static async Task<AbExperiment> CreateAsync(HttpClient http, object body)
    {
        var response = await http.PostAsJsonAsync("/api/experiments/ab", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AbExperiment>(Json))!;
    }

    /// <summary>What the simulator counted so far (GET /admin/state's effects).</summary>
    private static async Task<Dictionary<string, long>> EffectsAsync(SimulatedChain simulator) =>
        (await simulator.Admin.GetFromJsonAsync<JsonElement>("/admin/state")).GetProperty("effects").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetInt64());

    private static async Task<AbExperimentResult> ResultAsync(HttpClient http, long id) =>
        (await http.GetFromJsonAsync<AbExperimentResult>($"/api/experiments/ab/{id}/result", Json))!;

    private void Print(AbExperimentResult r) => output.WriteLine(
        $"{r.Experiment.Name}: A {r.Control.Calls} calls ({r.Control.Reverted} reverted) mean {r.Control.Mean:F0}; B {r.Treatment.Calls} ({r.Treatment.Reverted}) mean {r.Treatment.Mean:F0}; " +
        $"B−A {r.Difference.Estimate:F0} [{r.Difference.Lower:F0}, {r.Difference.Upper:F0}], CUPED {r.CupedApplied} (−{r.VarianceReduction:P1} variance, {r.CallersWithPrePeriod} callers with a pre-period); " +
        $"revert B−A [{r.RevertRateDifference.Lower:P2}, {r.RevertRateDifference.Upper:P2}] {r.Guardrail}; " +
        $"latency ({r.Latency.Kind}) A {r.Latency.Control.Units} units ({r.Latency.OpenJobsControl} open) mean {r.Latency.Control.MeanSeconds:F0} s, B {r.Latency.Treatment.Units} ({r.Latency.OpenJobsTreatment}) mean {r.Latency.Treatment.MeanSeconds:F0} s, B−A {r.Latency.Difference?.Estimate:F0} [{r.Latency.Difference?.Lower:F0}, {r.Latency.Difference?.Upper:F0}] s; SRM share {r.SampleRatio.ObservedTreatmentShare:F3} χ² {r.SampleRatio.ChiSquare:F1} p {r.SampleRatio.PValue:G3}; {r.Decision}: {r.Reason}");
}
