using System.Diagnostics;
using Ciro.Analytics;
using Ciro.Analytics.Notifications;
using Ciro.Analytics.Queries;
using Ciro.Analytics.Rollups;
using Ciro.Bench.Queries;
using Ciro.LocalInfrastructure;
using Ciro.Messages;
using Ciro.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// bench/run queries [--events N] [--keep-data DIR]: everything on 127.0.0.1, a throwaway PostgreSQL (or one whose data
// is kept in DIR and reused by the next run), stops by itself.
// bench/run report [--events N] [--keep-data DIR]: the same year, then the weekly report of its last whole week (queries + Chromium PDF).
// bench/run bounded | dashboard [--events N] [--keep-data DIR]: the same year, then BoundedBench or DashboardBench
// against the analytics service (its Release build as a child process).
var events = 50_000_000L;
var mode = "queries";
string? keepData = null;
int? recentRollupDays = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--events" && i + 1 < args.Length && long.TryParse(args[++i], out var n) && n >= 10_000)
    {
        events = n;
    }
    else if (args[i] is "--report" or "--bounded" or "--dashboard" or "--bounded-dashboard")
    {
        mode = args[i][2..];
    }
    else if (args[i] == "--recent-rollups" && i + 1 < args.Length && int.TryParse(args[++i], out var days) && days >= 1)
    {
        recentRollupDays = days;
    }
    else if (args[i] == "--keep-data" && i + 1 < args.Length)
    {
        keepData = args[++i];
    }
    else
    {
        Console.Error.WriteLine("usage: bench/run queries|report|bounded|dashboard [--events N (>= 10000)] [--keep-data DIR [--recent-rollups DAYS]]");
        return 2;
    }
}

await using var postgres = keepData is null ? await LocalPostgres.StartAsync() : await LocalPostgres.StartKeptAsync(keepData);
// `timeout` (or Ctrl-C) ends the run with SIGTERM/SIGINT, which skips the disposals: the server must not outlive us.
AppDomain.CurrentDomain.ProcessExit += (_, _) => postgres.Dispose();
await PostgresTuning.ApplyAsync(postgres);
var metrics = new AnalyticsMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
var year = await BenchYear.OpenAsync(postgres, events, source => new RollupReconciler(source, metrics, NullLogger<RollupReconciler>.Instance), recentRollupDays);
await using var db = year.Db;
var (generated, blocks, head, interval) = (year.Events, year.Blocks, year.Head, year.Interval);
var start = BenchYear.Start;
var reconciler = new RollupReconciler(db, metrics, NullLogger<RollupReconciler>.Instance);

var options = Microsoft.Extensions.Options.Options.Create(new AnalyticsOptions());
switch (mode)
{
    case "report":
        return await ReportBench.RunAsync(db, reconciler, options, head, generated);
    case "bounded":
        return await BoundedBench.RunAsync(postgres, year);
    case "dashboard":
        return await DashboardBench.RunAsync(postgres, year);
    case "bounded-dashboard":
        return await BoundedBench.RunAsync(postgres, year) + await DashboardBench.RunAsync(postgres, year);
}
var gas = new GasKpis(db);
var workers = new WorkerKpis(db, options);
var end = head.AddSeconds(1);
KpiRequest Request(TimeSpan range, string bucket, string? function = null, int pageSize = 1000) =>
    new(end - range, end, bucket, null, function, null, null, "l2_gas", 1, pageSize, false);

var yearly = await TimeAsync("yearly-gas", () => gas.GetAsync(Request(TimeSpan.FromDays(365), "day"), default), r => r.TotalCount);
var leaderboard = await TimeAsync("leaderboard", () => workers.GetLeaderboardAsync(Request(TimeSpan.FromDays(30), "hour"), default), r => r.TotalCount);
var drilldown = await TimeAsync("drilldown", () => gas.GetTransactionsAsync(Request(TimeSpan.FromDays(1), "raw", "submit_job_result", 100), default), r => r.TotalCount);

// Rollup lag: a block committed with its notification (as the indexer does) → reconcile done, through LISTEN.
await using var listener = await db.OpenConnectionAsync();
var reconciled = new System.Collections.Concurrent.BlockingCollection<(long Block, long Ticks)>();
listener.Notification += (_, e) =>
{
    var from = MessageSerializer.Deserialize<BlocksCommitted>(e.Payload).From;
    reconciler.ReconcileAsync(from, default).GetAwaiter().GetResult();
    reconciled.Add((from, Stopwatch.GetTimestamp()));
};
await using (var listen = new NpgsqlCommand($"listen {MessageChannels.Blocks.Postgres}", listener))
{
    await listen.ExecuteNonQueryAsync();
}
using var stop = new CancellationTokenSource();
var pump = Task.Run(async () =>
{
    try
    {
        while (true)
        {
            await listener.WaitAsync(stop.Token);
        }
    }
    catch (OperationCanceledException)
    {
    }
    catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException or InvalidOperationException or System.IO.IOException)
    {
    }
});
var lags = new List<double>();
var others = ChainGenerator.OthersPerBlock(events, blocks);
var next = await year.NextBlockAsync();
for (var k = 0; k < 30; k++)
{
    var number = next + k;
    await using var connection = await db.OpenConnectionAsync();
    await using var tx = await connection.BeginTransactionAsync();
    await ChainGenerator.WriteBlockAsync(connection, tx, number, start, interval, others);
    await connection.NotifyAsync(tx, new BlocksCommitted(number, number, DateTimeOffset.UtcNow), default);
    await tx.CommitAsync();
    var committed = Stopwatch.GetTimestamp();
    if (!reconciled.TryTake(out var done, TimeSpan.FromSeconds(30)))
    {
        throw new TimeoutException("rollups did not update within 30 s");
    }
    lags.Add(Stopwatch.GetElapsedTime(committed, done.Ticks).TotalMilliseconds);
}
await stop.CancelAsync();
await pump;
var lag = Percentiles(lags);
Console.WriteLine($"rollup-lag: p50 {lag.P50:F1} ms, p95 {lag.P95:F1} ms over {lags.Count} blocks (commit → hour/day/week rows recomputed, via LISTEN)");
Console.WriteLine($"queries: yearly-gas p95 {yearly:F1} ms, leaderboard p95 {leaderboard:F1} ms, drilldown p95 {drilldown:F1} ms, rollup-lag p95 {lag.P95:F1} ms");
return 0;

static async Task<double> TimeAsync<T>(string name, Func<Task<T>> query, Func<T, long> rows)
{
    // 50 timed runs: with 20 the "p95" is the 19th sample, one stray GC or a neighbour's build away from the max.
    const int Runs = 50;
    var first = await query(); // warm caches and plans; not counted
    var samples = new List<double>();
    for (var i = 0; i < Runs; i++)
    {
        var watch = Stopwatch.StartNew();
        await query();
        samples.Add(watch.Elapsed.TotalMilliseconds);
    }
    var (p50, p95) = Percentiles(samples);
    Console.WriteLine($"{name}: p50 {p50:F1} ms, p95 {p95:F1} ms ({rows(first):N0} rows, {Runs} runs)");
    return p95;
}

static (double P50, double P95) Percentiles(List<double> samples)
{
    var sorted = samples.Order().ToList();
    double At(double q) => sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1)];
    return (At(0.5), At(0.95));
}
