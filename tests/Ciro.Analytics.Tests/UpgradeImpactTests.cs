using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Analytics.Apis;
using Ciro.Analytics.Experiments;

namespace Ciro.Analytics.Tests;

/// <summary>
/// The automatic before/after of a class change, end to end: the simulator runs a week and a day of 10-minute
/// blocks, then a JobManager upgrade that changes nothing (a new class, same gas), a day later one that cuts
/// submit_job_result's L2 gas to 0.7× (truth: −0.3 × its 2,000,000 base = −600,000 gas per call; the account
/// overhead and the monitor's hooks are unchanged), then another day. The backfill stores it; the API reports both.
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class UpgradeImpactTests(AnalyticsFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private const long Genesis = 1_763_884_800;
    private const int BlocksPerDay = 144;
    private const double TrueEffect = -0.3 * 2_000_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task The_seeded_upgrade_is_found_with_an_interval_holding_the_truth_and_the_no_op_upgrade_shows_no_effect()
    {
        using var simulator = await SimulatedChain.StartAsync("Seed=12", $"StartTimestamp={Genesis}", "BlockIntervalMs=600000",
            $"PregenerateBlocks={7 * BlocksPerDay + 2}");
        await simulator.PostAsync("/admin/scenario", new { name = "upgrade", parameters = new { contract = "JobManager" } });
        await simulator.PostAsync("/admin/advance", new { blocks = BlocksPerDay + 2 });
        await simulator.PostAsync("/admin/scenario", new { name = "upgrade", parameters = new { contract = "JobManager", function = "submit_job_result", gasFactor = 0.7 } });
        await simulator.PostAsync("/admin/advance", new { blocks = BlocksPerDay + 2 });
        var head = await simulator.HeadAsync();
        await using var db = await fixture.NewDatabaseAsync();
        await simulator.BackfillAsync(db.ConnectionString, head);
        await using var app = fixture.App(db);
        using var http = app.CreateClient();

        var reports = await http.GetFromJsonAsync<List<UpgradeReport>>("/api/experiments/upgrades", Json);
        Assert.Equal(2, reports!.Count);
        foreach (var r in reports)
        {
            output.WriteLine($"{r.Change.Block} {r.Change.PreviousSierraVersion} → {r.Change.SierraVersion}, {r.Matching}, control ×{r.Control.Ratio:F5} ({r.Control.Series} series): {r.Verdict}");
            foreach (var f in r.Functions)
            {
                output.WriteLine($"  {f.Function}: {f.GasBefore:F0} → {f.GasAfter:F0} (expected {f.ExpectedGasAfter:F0}), effect {f.GasEffect.Estimate:F0} [{f.GasEffect.Lower:F0}, {f.GasEffect.Upper:F0}], reverts {f.RevertRateBefore:P1} → {f.RevertRateAfter:P1}, {f.CallsBefore} → {f.CallsAfter} calls");
            }
        }
        var cut = reports[0];
        var noOp = reports[1];
        Assert.True(cut.Change.Block > noOp.Change.Block);
        Assert.Equal(noOp.Change.ClassHash, cut.Change.PreviousClassHash);
        Assert.Equal(("1.6.0", "2.8.2", "1.7.0", "2.12.0"), (noOp.Change.PreviousSierraVersion, noOp.Change.PreviousCompilerVersion, noOp.Change.SierraVersion, noOp.Change.CompilerVersion));
        Assert.All(reports, r => Assert.Equal("hour-of-week", r.Matching));
        Assert.All(reports, r => Assert.True(r.AfterComplete));
        Assert.All(reports, r => Assert.True(r.Control.Series >= 1 && r.Control.Calls >= 500, $"{r.Control.Series} control series, {r.Control.Calls} calls"));

        var target = Assert.Single(cut.Functions, f => f.Function == "submit_job_result");
        Assert.True(target.GasChanged);
        Assert.True(target.GasEffect.Contains(TrueEffect), $"effect {target.GasEffect} does not hold the truth {TrueEffect}");
        Assert.True(cut.Changed);
        Assert.All(cut.Functions.Where(f => f.Function != "submit_job_result"), f => Assert.False(f.GasChanged, $"{f.Function}: {f.GasEffect}"));
        Assert.True(cut.Functions.Count >= 4, $"{cut.Functions.Count} functions analysed");

        Assert.False(noOp.Changed, noOp.Verdict);
        Assert.True(noOp.Functions.Count >= 4, $"{noOp.Functions.Count} functions analysed");
        Assert.All(noOp.Functions, f => Assert.True(f.GasEffect.Contains(0), $"{f.Function}: {f.GasEffect}"));
        Assert.StartsWith("no effect", noOp.Verdict);

        // The dashboard's chart annotations: both replacements, newest first, each with the class it replaced; the
        // contracts deployed at genesis before them; the contract filter keeps only the JobManager's.
        var range = $"from={Uri.EscapeDataString(DateTimeOffset.FromUnixTimeSeconds(Genesis).ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.FromUnixTimeSeconds(Genesis + 10 * 86_400).ToString("O"))}";
        var changes = await http.GetFromJsonAsync<ClassChangesReport>($"/api/kpi/class-changes?{range}", Json);
        var replaced = changes!.Changes.Where(c => c.Change == "replaced").ToList();
        Assert.Equal([(cut.Change.Block, cut.Change.ClassHash, cut.Change.PreviousClassHash), (noOp.Change.Block, noOp.Change.ClassHash, noOp.Change.PreviousClassHash)],
            replaced.Select(c => (c.BlockNumber, c.ClassHash, c.PreviousClassHash)).ToList());
        Assert.All(replaced, c => Assert.Equal(cut.Change.Contract, c.Contract));
        Assert.All(changes.Changes.Where(c => c.Change == "deployed"), c => Assert.True(c.BlockNumber < noOp.Change.Block && c.PreviousClassHash is null, $"{c}"));
        Assert.False(changes.Truncated);
        var onlyJobManager = await http.GetFromJsonAsync<ClassChangesReport>($"/api/kpi/class-changes?{range}&contract={cut.Change.Contract}", Json);
        Assert.All(onlyJobManager!.Changes, c => Assert.Equal(cut.Change.Contract, c.Contract));
        Assert.Equal(2, onlyJobManager.Changes.Count(c => c.Change == "replaced"));
        var later = await http.GetFromJsonAsync<ClassChangesReport>(
            $"/api/kpi/class-changes?from={Uri.EscapeDataString(cut.Change.ChangedAt.ToString("O"))}&to={Uri.EscapeDataString(cut.Change.ChangedAt.AddHours(1).ToString("O"))}", Json);
        Assert.Equal(cut.Change.Block, Assert.Single(later!.Changes).BlockNumber);

        // One change by contract and block, and a longer window.
        var one = await http.GetFromJsonAsync<List<UpgradeReport>>($"/api/experiments/upgrades?contract={cut.Change.Contract}&block={cut.Change.Block}&windowHours=12", Json);
        Assert.Equal(cut.Change.Block, Assert.Single(one!).Change.Block);
        Assert.Equal(TimeSpan.FromHours(12), one![0].AfterTo - one[0].AfterFrom);
    }

    [Theory]
    [InlineData("contract=xyz", "contract")]
    [InlineData("block=-3", "block")]
    [InlineData("windowHours=0", "windowHours")]
    [InlineData("windowHours=400", "windowHours")]
    public async Task Bad_parameters_are_a_400_naming_the_field(string query, string field)
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(db);
        using var http = app.CreateClient();
        var response = await http.GetAsync($"/api/experiments/upgrades?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-40", "to")]
    [InlineData("contract=0xZZ", "contract")]
    [InlineData("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from")]
    public async Task Bad_class_change_parameters_are_a_400_naming_the_field(string query, string field)
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(db);
        using var http = app.CreateClient();
        var response = await http.GetAsync($"/api/kpi/class-changes?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public void A_network_wide_change_moves_the_controls_and_is_not_credited_to_the_upgrade()
    {
        var random = new Random(4);
        // Every call costs 10% more after the change for a reason outside the contract (a protocol change).
        WindowStats Draw(double mean, double network, int n)
        {
            var m = ArmMoments.Of(Enumerable.Range(0, n).Select(_ => mean * network * (1 + 0.08 * (2 * random.NextDouble() - 1))));
            return new WindowStats(n, 0, n, m.MeanY, m.VarianceY);
        }
        var controls = new[] { 600_000.0, 1_800_000, 1_100_000 }
            .Select((mean, i) => new SeriesWindows($"control{i}", Draw(mean, 1, 400), Draw(mean, 1.10, 400))).ToList();
        var control = UpgradeImpact.Control(controls, 30);
        Assert.InRange(control.Ratio, 1.09, 1.11);
        var unchanged = new SeriesWindows("unchanged", Draw(2_000_000, 1, 400), Draw(2_000_000, 1.10, 400));
        var cut = new SeriesWindows("cut", Draw(2_000_000, 1, 400), Draw(1_500_000, 1.10, 400));
        var impacts = UpgradeImpact.Analyse([unchanged, cut], control, 0.05, 30);
        Assert.False(impacts[0].GasChanged, $"{impacts[0].GasEffect}"); // the raw difference is +200,000
        Assert.True(impacts[0].GasEffect.Contains(0));
        Assert.True(impacts[1].GasChanged);
        Assert.True(impacts[1].GasEffect.Contains(-500_000 * 1.10), $"{impacts[1].GasEffect}");
        // Without controls the network change would be credited to the upgrade.
        Assert.True(UpgradeImpact.Analyse([unchanged], ControlIndex.None, 0.05, 30)[0].GasChanged);
    }
}
