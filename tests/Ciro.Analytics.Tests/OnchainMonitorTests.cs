using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Analytics.Onchain;

namespace Ciro.Analytics.Tests;

/// <summary>
/// The on-chain loop end to end: the chain simulator plays the instrumented contracts (1 call in 4 sampled, then
/// 1 in 2 from the middle of hour 6, then every job of worker 0 failing), the indexer's backfill stores the chain,
/// and the on-chain KPIs answer. The truth per hour and function comes from the simulator's own block records (one
/// business event per successful call), so the off-chain count must equal it exactly and the sampled estimate's
/// interval must contain it.
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class OnchainMonitorTests(AnalyticsFixture fixture)
{
    /// <summary>2025-11-23 08:00:00 UTC: block 0 starts an hour, blocks are 10 minutes apart, 6 to an hour.</summary>
    private const long Genesis = 1_763_884_800;

    /// <summary>Which business event each hooked function emits once per successful call (fail_job: the
    /// WorkerReleased of the same multicall).</summary>
    private static readonly Dictionary<string, string> EventOf = new()
    {
        ["submit_ai_job"] = "JobSubmitted", ["assign_job_to_worker"] = "JobAssigned", ["submit_job_result"] = "JobCompleted",
        ["fail_job"] = "WorkerReleased", ["distribute_rewards"] = "PaymentReleased", ["allocate_job"] = "JobAllocated",
        ["register_worker"] = "WorkerRegistered", ["stake"] = "StakeAdded", ["request_unstake"] = "UnstakeRequested",
        ["complete_unstake"] = "UnstakeExecuted",
    };

    [Fact]
    public async Task Sampled_estimates_bracket_the_offchain_truth_and_flushes_equal_the_hourly_sums()
    {
        var (truth, blocks) = await IndexSimulatedChainAsync();
        using var http = _app!.CreateClient();
        var range = $"from={Uri.EscapeDataString(DateTimeOffset.FromUnixTimeSeconds(Genesis).ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.FromUnixTimeSeconds(Genesis + (blocks + 1) * 600).ToString("O"))}";

        var calls = await http.GetFromJsonAsync<CallsReport>($"/api/kpi/onchain/calls?{range}", Json);
        Assert.NotNull(calls);
        // Every hour and function: the off-chain count is the truth, exactly; the estimate's interval holds it.
        var expected = truth.Where(t => t.Value > 0).ToDictionary(t => t.Key, t => t.Value);
        var actual = calls!.Hours.Where(r => r.Actual > 0).ToDictionary(r => (r.Hour!.Value, r.Function), r => r.Actual);
        Assert.Equal(expected.OrderBy(p => p.Key).ToList(), actual.OrderBy(p => p.Key).ToList());
        Assert.All(calls.Hours, r => Assert.True(r.WithinInterval,
            $"{r.Function} at {r.Hour:HH:mm}: estimate {r.Estimated} [{r.Low}, {r.High}] from {r.Samples} samples, truth {r.Actual}"));
        Assert.All(calls.Totals, r => Assert.True(r.WithinInterval, $"{r.Function}: {r.Estimated} [{r.Low}, {r.High}], truth {r.Actual}"));
        Assert.Equal(truth.Values.Sum(), calls.Totals.Sum(r => r.Actual));
        // The rate that keeps each total within ±10 % (the default target) follows from its off-chain count alone.
        Assert.Equal(0.10, calls.TargetError);
        Assert.All(calls.Totals, r => Assert.Equal((long)Math.Floor(1 + r.Actual * 0.01 / (1.959963984540054 * 1.959963984540054)), r.RateForTarget));
        var tighter = await http.GetFromJsonAsync<CallsReport>($"/api/kpi/onchain/calls?{range}&targetError=0.05", Json);
        Assert.All(tighter!.Totals, r => Assert.Equal((long)Math.Floor(1 + r.Actual * 0.0025 / (1.959963984540054 * 1.959963984540054)), r.RateForTarget));

        // The hour the rate changed (block 37 at 14:10) mixes rates 4 and 2: the estimate adds each sample's own rate,
        // and the monitor's flushed counter for that hour says the same.
        var changeHour = DateTimeOffset.FromUnixTimeSeconds(Genesis + 6 * 3600);
        var submit = calls.Hours.Single(r => r.Hour == changeHour && r.Function == "submit_ai_job");
        Assert.True(submit.Samples > 0 && submit.Estimated % 2 == 0 && submit.Flushed == submit.Estimated,
            $"{submit.Samples} samples, estimate {submit.Estimated}, flushed {submit.Flushed}");
        // Every flushed hourly counter equals the estimate from that hour's sampled events.
        var flushed = calls.Hours.Where(r => r.Flushed is not null).ToList();
        Assert.True(flushed.Count >= 20, $"{flushed.Count} flushed hour counters");
        Assert.All(flushed, r => Assert.Equal(r.Estimated, (double)r.Flushed!.Value));

        // Workers: failed jobs come from JobSampled stage 2; the failing worker's estimate holds its off-chain count.
        var workers = await http.GetFromJsonAsync<WorkersReport>($"/api/kpi/onchain/workers?{range}", Json);
        Assert.Equal(truth.Where(t => t.Key.Function == "assign_job_to_worker").Sum(t => t.Value), workers!.Workers.Sum(w => w.ActualAssigned));
        Assert.Equal(truth.Where(t => t.Key.Function == "fail_job").Sum(t => t.Value), workers.Workers.Sum(w => w.ActualFailed));
        var failing = workers.Workers.MaxBy(w => w.ActualFailed)!;
        Assert.True(failing.Failed.Samples > 0 && failing.Failed.Contains(failing.ActualFailed),
            $"worker {failing.Worker}: failed estimate {failing.Failed}, truth {failing.ActualFailed}");
        Assert.All(workers.Workers, w => Assert.True(w.Assigned.Contains(w.ActualAssigned) && w.Completed.Contains(w.ActualCompleted)
            && w.Failed.Contains(w.ActualFailed), $"worker {w.Worker}: {w}"));
        Assert.Contains(workers.Workers, w => w.Pushed is not null);

        // Job timings: the mean assignment-to-completion time of sampled jobs vs every job.
        var jobs = await http.GetFromJsonAsync<JobTimingReport>($"/api/kpi/onchain/jobs?{range}", Json);
        Assert.Equal(truth.Where(t => t.Key.Function == "submit_job_result").Sum(t => t.Value), jobs!.ActualJobs);
        Assert.True(jobs.Samples >= 30 && jobs.WithinInterval == true,
            $"{jobs.Samples} samples: {jobs.EstimatedMeanSeconds} [{jobs.Low}, {jobs.High}] vs {jobs.ActualMeanSeconds}");
    }

    [Fact]
    public async Task A_bad_range_is_a_400_naming_the_field()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(db);
        using var http = app.CreateClient();
        var response = await http.GetAsync("/api/kpi/onchain/calls?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("from", await response.Content.ReadAsStringAsync());
        response = await http.GetAsync("/api/kpi/onchain/workers?from=2026-03-02T00:00:00Z&to=2026-01-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        response = await http.GetAsync("/api/kpi/onchain/calls?targetError=1.5");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("targetError", body);
        Assert.Contains("1.5", body);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Ciro.Analytics.Queries.AnalyticsQueries>? _app;

    /// <summary>Runs the simulator and the backfill; returns the truth per (hour, function) and the head.</summary>
    private async Task<(Dictionary<(DateTimeOffset Hour, string Function), long> Truth, long Head)> IndexSimulatedChainAsync()
    {
        using var simulator = await SimulatedChain.StartAsync("Seed=9", $"StartTimestamp={Genesis}", "BlockIntervalMs=600000",
            "PregenerateBlocks=36", "JobsPerBlock=12", "MonitorSampleFloor=1", "MonitorSampleRate=4");
        var admin = simulator.Admin;
        async Task Post(string path, object body) => await simulator.PostAsync(path, body);
        await Post("/admin/scenario", new { name = "monitor", parameters = new { rate = 2 } });
        await Post("/admin/advance", new { blocks = 6 });
        await Post("/admin/scenario", new { name = "failing-worker", parameters = new { worker = 0 } });
        await Post("/admin/advance", new { blocks = 12 });
        await Post("/admin/scenario", new { name = "steady" });
        await Post("/admin/advance", new { blocks = 8 });
        var head = (await admin.GetFromJsonAsync<JsonElement>("/admin/state")).GetProperty("head").GetProperty("number").GetInt64();

        var truth = new Dictionary<(DateTimeOffset, string), long>();
        for (var n = 0; n <= head; n++)
        {
            var block = await admin.GetFromJsonAsync<JsonElement>($"/admin/blocks/{n}");
            var time = DateTimeOffset.FromUnixTimeSeconds(block.GetProperty("timestamp").GetInt64());
            var hour = new DateTimeOffset(time.Year, time.Month, time.Day, time.Hour, 0, 0, TimeSpan.Zero);
            var byName = block.GetProperty("eventsByName");
            foreach (var (function, name) in EventOf)
            {
                if (byName.TryGetProperty(name, out var count))
                {
                    truth[(hour, function)] = truth.GetValueOrDefault((hour, function)) + count.GetInt64();
                }
            }
        }

        var db = await fixture.NewDatabaseAsync();
        await simulator.BackfillAsync(db.ConnectionString, head);
        _app = fixture.App(db);
        return (truth, head);
    }
}
