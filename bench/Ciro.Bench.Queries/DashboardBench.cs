using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ciro.LocalInfrastructure;

namespace Ciro.Bench.Queries;

/// <summary>
/// bench/run dashboard: for each dashboard view, the analytics calls it makes when opened on a 30-day range
/// (read from src/Ciro.Web/ClientApp/src/features/*: same routes, buckets and page sizes), issued at once as the
/// browser does, against the analytics service on the generated year with the Redis cache off; one warm-up and
/// <see cref="Runs"/> timed loads per view, p95 of the whole view (its slowest call decides). Alerts-service calls
/// (open incidents) are not analytics and not part of the year.
/// </summary>
public static class DashboardBench
{
    private const int Runs = 20;

    public static async Task<int> RunAsync(LocalPostgres postgres, BenchYear year)
    {
        using var redis = await LocalRedis.StartAsync();
        await using var analytics = await AnalyticsService.StartAsync(postgres.ConnectionString(BenchYear.Database), redis.ConnectionString);
        var to = year.Head.AddSeconds(1);
        var range = $"from={Iso(to.AddDays(-30))}&to={Iso(to)}";
        var worker = await FirstWorkerAsync(analytics.Http, range);
        (string View, string[] Calls)[] views =
        [
            ("overview", ["/api/pipeline/status", "/api/blocks/latest", "/api/activity/jobs?minutes=60", $"/api/kpi/network?{range}&bucket=hour"]),
            ("gas", [$"/api/kpi/gas?{range}&metric=l2_gas&pageSize=1000"]),
            ("gas drill-down", [$"/api/kpi/gas?{range}&metric=l2_gas&pageSize=1000&function=submit_job_result",
                                $"/api/kpi/gas?{range}&bucket=raw&function=submit_job_result&pageSize=50"]),
            ("timing", [$"/api/kpi/timing/inclusion?{range}", $"/api/kpi/timing/jobs?{range}"]),
            ("workers", [$"/api/kpi/workers/leaderboard?{range}&pageSize=1000"]),
            ("worker detail", [$"/api/kpi/workers/leaderboard?{range}&pageSize=1000", $"/api/kpi/workers?{range}&worker={worker}&pageSize=1000",
                               $"/api/kpi/workers?{range}&worker={worker}&bucket=raw&pageSize=50"]),
            ("usage", [$"/api/kpi/usage?{range}&pageSize=1000", $"/api/kpi/gas?{range}&pageSize=1000", $"/api/kpi/network?{range}&bucket=hour&pageSize=1000"]),
            ("anomalies", [$"/api/kpi/anomalies?{range}&metric=tx_count&pageSize=1000"]),
            ("onchain", [$"/api/kpi/onchain/calls?{range}", $"/api/kpi/onchain/workers?{range}", $"/api/kpi/onchain/jobs?{range}"]),
        ];
        var slowest = ("", 0.0);
        var failed = new List<string>();
        foreach (var (view, calls) in views)
        {
            // Warm-up, not counted; also checks every call answers 200. A view that fails (a 503 after the statement
            // timeout) is reported and not timed, and the other views are still measured.
            var warmUp = Stopwatch.StartNew();
            try
            {
                await LoadAsync(analytics.Http, calls);
            }
            catch (InvalidOperationException ex)
            {
                Console.WriteLine($"dashboard view {view}: failed after {warmUp.Elapsed.TotalMilliseconds:F0} ms: {ex.Message[..Math.Min(ex.Message.Length, 160)]}");
                failed.Add(view);
                continue;
            }
            var samples = new List<double>();
            for (var i = 0; i < Runs; i++)
            {
                var watch = Stopwatch.StartNew();
                await LoadAsync(analytics.Http, calls);
                samples.Add(watch.Elapsed.TotalMilliseconds);
            }
            samples.Sort();
            var p50 = samples[Runs / 2 - 1];
            var p95 = samples[(int)Math.Ceiling(0.95 * Runs) - 1];
            Console.WriteLine($"dashboard view {view}: p50 {p50:F0} ms, p95 {p95:F0} ms ({calls.Length} calls, {Runs} loads)");
            if (p95 > slowest.Item2)
            {
                slowest = (view, p95);
            }
        }
        Console.WriteLine(failed.Count > 0
            ? $"dashboard: slowest view {string.Join(", ", failed)} failed (see above); of the others {slowest.Item1} p95 {slowest.Item2:F0} ms"
            : $"dashboard: slowest view {slowest.Item1} p95 {slowest.Item2:F0} ms");
        return failed.Count > 0 ? 1 : 0;
    }

    private static async Task LoadAsync(HttpClient http, string[] calls)
    {
        var responses = await Task.WhenAll(calls.Select(c => http.GetAsync(c)));
        foreach (var (response, call) in responses.Zip(calls))
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{call} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            await response.Content.ReadAsByteArrayAsync();
        }
    }

    private static async Task<string> FirstWorkerAsync(HttpClient http, string range)
    {
        using var board = JsonDocument.Parse(await http.GetStringAsync($"/api/kpi/workers/leaderboard?{range}&pageSize=1"));
        return board.RootElement.GetProperty("items")[0].GetProperty("worker").GetString()!;
    }

    public static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
}
