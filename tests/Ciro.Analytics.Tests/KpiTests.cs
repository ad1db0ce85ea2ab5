using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Analytics.Queries;
using Ciro.Analytics.Rollups;
using Ciro.Starknet;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>Every KPI on <see cref="KnownChain.Standard"/> against values computed by hand in the comments.</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class KpiTests(AnalyticsFixture fixture) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Ciro.Analytics.Queries.AnalyticsQueries> _app = null!;
    private HttpClient _http = null!;
    private const string Day = "from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z";
    private const string Hours = "from=2026-03-02T10:00:00Z&to=2026-03-02T12:00:00Z";

    public async Task InitializeAsync()
    {
        _db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(_db, KnownChain.Standard().Blocks);
        _app = fixture.App(_db);
        _http = _app.CreateClient();
        await _app.Services.GetRequiredService<RollupReconciler>().ReconcileAsync(null, default);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<JsonElement[]> Items(string url)
    {
        var response = await _http.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return page.GetProperty("items").EnumerateArray().ToArray();
    }

    private static JsonElement Row(JsonElement[] rows, string function, string shape = "single", string? contract = null) =>
        Assert.Single(rows, r => r.GetProperty("function").GetString() == function && r.GetProperty("callShape").GetString() == shape
                                 && (contract is null || r.GetProperty("contract").GetString() == contract));

    private static void Near(double expected, JsonElement actual, double relative = 0.01) =>
        Assert.InRange(actual.GetDouble(), expected * (1 - relative) - 1e-9, expected * (1 + relative) + 1e-9);

    [Fact]
    public async Task Gas_per_function_hourly_sums_counts_share_and_call_shape()
    {
        var rows = await Items($"/api/kpi/gas?{Hours}&bucket=hour");
        var hour10 = rows.Where(r => r.GetProperty("bucketStart").GetDateTimeOffset() == KnownChain.T0).ToArray();
        // Hour 10 total L2 gas: 1000+2000+3000+4000+10000+5000+4000 = 29000.
        var result = Row(hour10, "submit_job_result");
        Assert.Equal(1, result.GetProperty("txCount").GetInt64());
        Assert.Equal(5000, result.GetProperty("l2Gas").GetInt64());
        Assert.Equal(Math.Round(5000.0 / 29000, 6), result.GetProperty("shareOfTotal").GetDouble());
        // The reverted multicall counts under both of its functions, whole, as "multicall".
        var multi = Row(hour10, "submit_job_result", "multicall");
        Assert.Equal(1, multi.GetProperty("reverted").GetInt64());
        Assert.Equal(0, multi.GetProperty("succeeded").GetInt64());
        Assert.Equal(10000, Row(hour10, "transfer", "multicall").GetProperty("l2Gas").GetInt64());
        Assert.Equal("300", Row(hour10, "transfer").GetProperty("feeWei").GetString());
        Assert.Equal(100, Row(hour10, "submit_ai_job").GetProperty("l1DataGas").GetInt64());
        Assert.Equal(2, Row(hour10, "assign_job_to_worker").GetProperty("txCount").GetInt64()); // blocks 3 and 4
    }

    [Fact]
    public async Task Gas_per_function_daily_merges_hours_and_percentiles_are_nearest_rank()
    {
        var rows = await Items($"/api/kpi/gas?{Day}&bucket=day");
        // submit_job_result single: 700 (b0), 5000 (b4), 5000 (b5): p50 = 5000, p99 = 5000; day L2 total 44200.
        var result = Row(rows, "submit_job_result");
        Assert.Equal(3, result.GetProperty("txCount").GetInt64());
        Assert.Equal(10700, result.GetProperty("l2Gas").GetInt64());
        Assert.Equal("16100", result.GetProperty("feeFri").GetString());
        Near(5000, result.GetProperty("p50"));
        Near(5000, result.GetProperty("p99"));
        Assert.Equal(Math.Round(10700.0 / 44200, 6), result.GetProperty("shareOfTotal").GetDouble());
        var transfer = Row(rows, "transfer");
        Assert.Equal(2, transfer.GetProperty("txCount").GetInt64());
        Assert.Equal("800", transfer.GetProperty("feeWei").GetString());
        // metric=fee_fri percentiles: submit_job_result fees 100, 8000, 8000 → p50 8000.
        var fees = await Items($"/api/kpi/gas?{Day}&bucket=day&function=submit_job_result&metric=fee_fri");
        Near(8000, Row(fees, "submit_job_result").GetProperty("p50"));
        Assert.All(fees, r => Assert.Equal("submit_job_result", r.GetProperty("function").GetString()));
        // Contract filter: only the token contract.
        var token = await Items($"/api/kpi/gas?{Day}&bucket=day&contract={KnownChain.Token}");
        Assert.Equal(2, token.Length);
    }

    [Fact]
    public async Task Gas_raw_drilldown_lists_transactions_with_paging_and_csv()
    {
        var response = await _http.GetFromJsonAsync<JsonElement>($"/api/kpi/gas?{Hours}&bucket=raw&function=submit_job_result&pageSize=2");
        Assert.Equal(3, response.GetProperty("totalCount").GetInt64()); // b3 (multicall), b4, b5
        Assert.Equal(2, response.GetProperty("items").GetArrayLength());
        Assert.Equal(5, response.GetProperty("items")[0].GetProperty("blockNumber").GetInt64()); // newest first
        var page2 = await _http.GetFromJsonAsync<JsonElement>($"/api/kpi/gas?{Hours}&bucket=raw&function=submit_job_result&pageSize=2&page=2");
        Assert.Equal("REVERTED", Assert.Single(page2.GetProperty("items").EnumerateArray()).GetProperty("status").GetString());
        var csv = await _http.GetStringAsync($"/api/kpi/gas?{Hours}&bucket=raw&function=submit_job_result&format=csv");
        var lines = csv.TrimEnd().Split("\r\n");
        Assert.StartsWith("blockNumber,blockTime,txIndex,txHash,sender,contract,function", lines[0]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task Network_health_tps_block_time_utilisation_prices_and_reverted_share()
    {
        var rows = await Items($"/api/kpi/network?{Hours}&bucket=hour");
        var h10 = rows[0];
        // Hour 10: blocks 1–4, 7 txs, intervals 60+2+4+1794 = 1860 s, L2 gas 29000, 1 reverted, 5 events.
        Assert.Equal(4, h10.GetProperty("blocks").GetInt64());
        Assert.Equal(7, h10.GetProperty("transactions").GetInt64());
        Assert.Equal(Math.Round(7 / 1860.0, 6), h10.GetProperty("tps").GetDouble());
        Assert.Equal(Math.Round(5 / 1860.0, 6), h10.GetProperty("eventsPerSecond").GetDouble());
        Assert.Equal(Math.Round(1860 / 4.0, 6), h10.GetProperty("blockTimeMeanSeconds").GetDouble());
        Near(4, h10.GetProperty("blockTimeP50Seconds")); // sorted 2, 4, 60, 1794: nearest-rank p50 = 4
        Near(1794, h10.GetProperty("blockTimeP95Seconds"));
        Assert.Equal(Math.Round(29000 / (4 * 6e9), 6), h10.GetProperty("utilisationOfLimit").GetDouble());
        Assert.Equal(Math.Round(29000 / (4 * 1.04e9), 6), h10.GetProperty("utilisationOfTarget").GetDouble());
        Assert.Equal(Math.Round(14000 / 6e9, 6), h10.GetProperty("maxBlockUtilisationOfLimit").GetDouble()); // block 3: 4000+10000
        Assert.Equal("30", h10.GetProperty("meanL2GasPriceFri").GetString());
        Assert.Equal(Math.Round(1 / 7.0, 6), h10.GetProperty("revertedShare").GetDouble());
        // Day: 7 blocks, 12 txs, 6 intervals summing 3670 s.
        var day = Assert.Single(await Items($"/api/kpi/network?{Day}&bucket=day"));
        Assert.Equal(12, day.GetProperty("transactions").GetInt64());
        Assert.Equal(Math.Round(12 / 3670.0, 6), day.GetProperty("tps").GetDouble());
        // Configurable limit: utilisation follows Ciro:Analytics:BlockL2GasLimit.
        await using var custom = fixture.App(_db, ("Ciro:Analytics:BlockL2GasLimit", "1000000"), ("Ciro:Analytics:BlockL2GasTarget", "500000"));
        var customRows = await custom.CreateClient().GetFromJsonAsync<JsonElement>($"/api/kpi/network?{Hours}&bucket=hour");
        Assert.Equal(Math.Round(29000 / 4e6, 6), customRows.GetProperty("items")[0].GetProperty("utilisationOfLimit").GetDouble());
        // Raw: one row per block, newest first.
        var blocks = await Items($"/api/kpi/network?{Hours}&bucket=raw");
        Assert.Equal(6, blocks.Length);
        Assert.Equal(6.0, blocks[0].GetProperty("intervalSeconds").GetDouble());
    }

    [Fact]
    public async Task Inclusion_intervals_per_bucket()
    {
        var rows = await Items($"/api/kpi/timing/inclusion?{Hours}&bucket=hour");
        Assert.Equal(4, rows[0].GetProperty("intervals").GetInt64());
        Assert.Equal(2, rows[1].GetProperty("intervals").GetInt64()); // 1804, 6
        Near(1804, rows[1].GetProperty("p95Seconds"));
        Near(6, rows[1].GetProperty("p50Seconds"));
    }

    [Fact]
    public async Task Job_lifecycle_stages_join_on_job_id()
    {
        var rows = await Items($"/api/kpi/timing/jobs?{Day}&bucket=day");
        double Stage(string name, string field) => Assert.Single(rows, r => r.GetProperty("stage").GetString() == name).GetProperty(field).GetDouble();
        Assert.Equal(2, Stage("submitted_to_allocated", "meanSeconds"));
        Assert.Equal(4, Stage("allocated_to_assigned", "meanSeconds"));
        Assert.Equal((1794 + 1804) / 2.0, Stage("assigned_to_completed", "meanSeconds")); // job 1 and job 2
        Assert.Equal(2, Stage("assigned_to_completed", "count"));
        Assert.Equal(1804, Stage("completed_to_paid", "meanSeconds"));
        Assert.Equal(1800, Stage("submitted_to_completed", "meanSeconds"));
        Assert.InRange(Stage("assigned_to_completed", "p50Seconds"), 1794 * 0.99, 1794 * 1.01);
        Assert.InRange(Stage("assigned_to_completed", "p99Seconds"), 1804 * 0.99, 1804 * 1.01);
        var jobs = await Items($"/api/kpi/timing/jobs?{Day}&bucket=raw");
        var job = Assert.Single(jobs); // only job 1 was submitted in range
        Assert.Equal("1", job.GetProperty("jobId").GetString());
        Assert.Equal(KnownChain.W1, job.GetProperty("worker").GetString());
        Assert.Equal(1800, job.GetProperty("submittedToCompletedSeconds").GetDouble());
    }

    [Fact]
    public async Task Worker_performance_and_leaderboard_with_ties_and_stake()
    {
        var rows = await Items($"/api/kpi/workers?{Day}&bucket=day");
        JsonElement W(string w) => Assert.Single(rows, r => r.GetProperty("worker").GetString() == w);
        Assert.Equal(1, W(KnownChain.W1).GetProperty("completed").GetInt64());
        Assert.Equal("90", W(KnownChain.W1).GetProperty("paid").GetString());
        Near(1794, W(KnownChain.W1).GetProperty("completionP50Seconds"));
        Assert.Equal(1, W(KnownChain.W2).GetProperty("failed").GetInt64());
        Assert.Equal(0.0, W(KnownChain.W2).GetProperty("successRate").GetDouble());
        var board = await Items($"/api/kpi/workers/leaderboard?{Day}&bucket=hour");
        // W1 and W3: rate 1.0 with 1 completed each → tie at rank 1; W2 rate 0 → rank 3 (competition ranking).
        Assert.Equal([KnownChain.W1, KnownChain.W3, KnownChain.W2], board.Select(r => r.GetProperty("worker").GetString()!).ToArray());
        Assert.Equal([1, 1, 3], board.Select(r => r.GetProperty("rank").GetInt32()).ToArray());
        Assert.Equal("150", board[0].GetProperty("stake").GetString());
        // Default minimum sample (5 finished jobs): nobody is ranked.
        await using var strict = fixture.App(_db, ("Ciro:Analytics:LeaderboardMinSamples", "5"));
        var strictBoard = await strict.CreateClient().GetFromJsonAsync<JsonElement>($"/api/kpi/workers/leaderboard?{Day}");
        Assert.All(strictBoard.GetProperty("items").EnumerateArray(), r => Assert.False(r.GetProperty("ranked").GetBoolean()));
        var filtered = await Items($"/api/kpi/workers?{Day}&bucket=day&worker={KnownChain.W3}");
        Assert.Equal(KnownChain.W3, Assert.Single(filtered).GetProperty("worker").GetString());
    }

    [Fact]
    public async Task Contract_usage_calls_unique_new_returning_and_busiest_hours()
    {
        var rows = await Items($"/api/kpi/usage?{Hours}&contract={KnownChain.JobManager}");
        var result = Assert.Single(rows, r => r.GetProperty("function").GetString() == "submit_job_result");
        // Callers in range: W2 (b3), W1 (b4), W3 (b5); W1 already called in block 0 → returning.
        Assert.Equal(3, result.GetProperty("calls").GetInt64());
        Assert.Equal(3, result.GetProperty("uniqueCallers").GetInt64());
        Assert.Equal(2, result.GetProperty("newCallers").GetInt64());
        Assert.Equal(1, result.GetProperty("returningCallers").GetInt64());
        var hours = await Items($"/api/kpi/usage/hours?{Day}");
        // Transactions per function-call-shape row: hour 10 has 8 (7 txs, the multicall counted under 2 functions).
        Assert.Equal(10, hours[0].GetProperty("hourOfDay").GetInt32());
        Assert.Equal(8, hours[0].GetProperty("transactions").GetInt64());
    }

    [Fact]
    public async Task Live_jobs_chart_counts_per_minute_what_the_worker_rollups_count_per_hour()
    {
        // 180 minutes up to the newest block (block 6, 11:00:10) cover the whole chain.
        var activity = await _app.Services.GetRequiredService<AnalyticsQueries>().GetJobsActivityAsync(180, default);
        Assert.NotNull(activity);
        // Minute 10:00: job 1 submitted (:00), allocated (:02), assigned to W1 (:06); W2's reverted submit_job_result (:06).
        // Minute 10:30: job 1 completed by W1, job 2 assigned to W3. Minute 11:00: job 2 completed by W3 (:04).
        Assert.Equal(
            [(KnownChain.T0, 1L, 1L, 1L, 0L, 1L), (KnownChain.T0.AddMinutes(30), 0L, 0L, 1L, 1L, 0L), (KnownChain.T0.AddHours(1), 0L, 0L, 0L, 1L, 0L)],
            activity.Buckets.Select(m => (m.Minute, m.Submitted, m.Allocated, m.Assigned, m.Completed, m.Failed)).ToArray());

        await using var connection = await _db.OpenConnectionAsync();
        var workers = await RollupStore.LoadAsync<WorkerRollup, Felt>(connection, null, Buckets.Hour,
            KnownChain.T0.AddHours(-1), KnownChain.T0.AddHours(2), t => t, default);
        var rollupHours = workers.Rows.GroupBy(r => r.BucketStart).OrderBy(g => g.Key)
            .Select(g => (Hour: g.Key, Assigned: g.Sum(r => r.Assigned), Completed: g.Sum(r => r.Completed), Failed: g.Sum(r => r.Failed)))
            .ToArray();
        var chartHours = activity.Buckets.GroupBy(m => Buckets.Floor(m.Minute, Buckets.Hour)).OrderBy(g => g.Key)
            .Select(g => (Hour: g.Key, Assigned: g.Sum(m => m.Assigned), Completed: g.Sum(m => m.Completed), Failed: g.Sum(m => m.Failed)))
            .ToArray();
        Assert.Equal([(KnownChain.T0, 2L, 1L, 1L), (KnownChain.T0.AddHours(1), 0L, 1L, 0L)], rollupHours);
        Assert.Equal(rollupHours, chartHours);
    }

    [Fact]
    public async Task Block_summary_keeps_its_shape()
    {
        var summary = await _http.GetFromJsonAsync<JsonElement>("/api/blocks/3/summary");
        Assert.Equal(3, summary.GetProperty("blockNumber").GetInt64());
        Assert.Equal(1, summary.GetProperty("revertedCount").GetInt64());
        Assert.Equal("16000", summary.GetProperty("feesByUnit").GetProperty("FRI").GetString());
        Assert.Equal(14000, summary.GetProperty("l2Gas").GetInt64());
    }
}
