using System.Diagnostics;
using System.Net;
using Ciro.Analytics;
using Ciro.Analytics.Queries;
using Ciro.LocalInfrastructure;
using Microsoft.Extensions.Options;

namespace Ciro.Bench.Queries;

/// <summary>
/// bench/run bounded (issue 15, "bounded work per request") on the generated year:
/// - every raw-mode endpoint with pageSize=1 over the longest raw range (31 days up to the head): bytes allocated by
///   its query path (in this process, <c>GC.GetTotalAllocatedBytes</c> around the query class call) and the HTTP answer
///   time of the analytics service (max over <see cref="Runs"/> runs per endpoint);
/// - 20 different anomaly requests at once (5 series × 4 ranges of 30 days ending 0–3 days apart, so none is coalesced): the service's peak
///   resident set (VmHWM, start included);
/// - a query over the statement timeout (a service started with a 1 s timeout, asked for 31 days of usage by hour:
///   hourly buckets group the per-sender hour rows of every function; the default whole-range usage reads day rows
///   and answers 200 within the 1 s timeout on this year): 503 ProblemDetails with Retry-After.
/// </summary>
public static class BoundedBench
{
    private const int Runs = 10;

    public static async Task<int> RunAsync(LocalPostgres postgres, BenchYear year)
    {
        var db = year.Db;
        var options = Options.Create(new AnalyticsOptions());
        var to = year.Head.AddSeconds(1);
        var from = to.AddDays(-31);
        var range = $"from={DashboardBench.Iso(from)}&to={DashboardBench.Iso(to)}";
        KpiRequest Raw(string? function = null) => new(from, to, "raw", null, function, null, null, null, 1, 1, false);
        var gas = new GasKpis(db);
        var network = new NetworkKpis(db, options);
        var jobs = new JobKpis(db);
        (string Name, Func<Task> Query)[] queries =
        [
            ("gas", () => gas.GetTransactionsAsync(Raw(), default)),
            // The gas view's drill-down: one common and the rarest function (stake: 1 call in ~1,600).
            ("gas function=transfer", () => gas.GetTransactionsAsync(Raw("transfer"), default)),
            ("gas function=stake", () => gas.GetTransactionsAsync(Raw("stake"), default)),
            ("network", () => network.GetBlocksAsync(Raw(), default)),
            ("jobs", () => jobs.GetJobsAsync(Raw(), default)),
        ];
        var maxAlloc = 0.0;
        foreach (var (name, query) in queries)
        {
            await query(); // warm-up: plans, pools, JIT
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var took = Stopwatch.StartNew();
            await query();
            var mb = (GC.GetTotalAllocatedBytes(precise: true) - before) / 1048576.0;
            Console.WriteLine($"raw {name} pageSize=1 over 31 days: query path allocated {mb:F2} MB in {took.Elapsed.TotalMilliseconds:F0} ms");
            maxAlloc = Math.Max(maxAlloc, mb);
        }

        using var redis = await LocalRedis.StartAsync();
        var connection = postgres.ConnectionString(BenchYear.Database);
        double p95;
        long peak;
        await using (var analytics = await AnalyticsService.StartAsync(connection, redis.ConnectionString))
        {
            var times = new List<double>();
            foreach (var path in new[] { "/api/kpi/gas", "/api/kpi/gas?function=transfer", "/api/kpi/gas?function=stake", "/api/kpi/network", "/api/kpi/timing/jobs", "/api/kpi/workers" })
            {
                var url = $"{path}{(path.Contains('?') ? '&' : '?')}{range}&bucket=raw&pageSize=1";
                try
                {
                    await Ok(analytics.Http, url);
                }
                catch (InvalidOperationException ex)
                {
                    // Reported, and the p95 below is then over the endpoints that answered.
                    Console.WriteLine($"raw {path} pageSize=1 over 31 days: FAILED {ex.Message[..Math.Min(160, ex.Message.Length)]}");
                    continue;
                }
                var samples = new List<double>();
                for (var i = 0; i < Runs; i++)
                {
                    var watch = Stopwatch.StartNew();
                    await Ok(analytics.Http, url);
                    samples.Add(watch.Elapsed.TotalMilliseconds);
                }
                samples.Sort();
                Console.WriteLine($"raw {path} pageSize=1 over 31 days: p50 {samples[Runs / 2 - 1]:F0} ms, max {samples[^1]:F0} ms ({Runs} runs)");
                times.AddRange(samples);
            }
            times.Sort();
            p95 = times[(int)Math.Ceiling(0.95 * times.Count) - 1];

            var anomalyUrls = (from metric in new[] { "tx_count", "l2_gas", "events", "reverted_share", "block_time" }
                               from days in new[] { 0, 1, 2, 3 }
                               let end = to.AddDays(-days)
                               select $"/api/kpi/anomalies?from={DashboardBench.Iso(end.AddDays(-30))}&to={DashboardBench.Iso(end)}&metric={metric}&pageSize=1000").ToList();
            var before = analytics.PeakResidentBytes;
            var watch20 = Stopwatch.StartNew();
            await Task.WhenAll(anomalyUrls.Select(u => Ok(analytics.Http, u)));
            peak = analytics.PeakResidentBytes;
            Console.WriteLine($"20 concurrent anomaly requests: {watch20.Elapsed.TotalSeconds:F1} s, service peak RSS {peak / 1048576.0:F0} MB (before them {before / 1048576.0:F0} MB)");
        }

        string timeout;
        await using (var strict = await AnalyticsService.StartAsync(connection, redis.ConnectionString, ("Ciro__Analytics__StatementTimeoutSeconds", "1")))
        {
            var response = await strict.Http.GetAsync($"/api/kpi/usage?{range}&bucket=hour&pageSize=1000");
            var body = await response.Content.ReadAsStringAsync();
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            var retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds;
            Console.WriteLine($"usage by hour over 31 days with a 1 s statement timeout: {(int)response.StatusCode}, problem+json {problem}, Retry-After {retryAfter}: {body[..Math.Min(200, body.Length)]}");
            timeout = response.StatusCode == HttpStatusCode.ServiceUnavailable && problem && retryAfter is not null ? "503" : $"{(int)response.StatusCode} (expected 503)";
        }
        Console.WriteLine($"bounded: raw pageSize=1 max alloc {maxAlloc:F1} MB, p95 {p95:F0} ms; 20 anomaly requests peak RSS {peak / 1048576.0:F0} MB; timeout → {timeout}");
        return 0;
    }

    private static async Task Ok(HttpClient http, string url)
    {
        var response = await http.GetAsync(url);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        await response.Content.ReadAsByteArrayAsync();
    }
}
