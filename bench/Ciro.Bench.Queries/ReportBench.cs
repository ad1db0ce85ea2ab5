using System.Diagnostics;
using Ciro.Analytics;
using Ciro.Analytics.Queries;
using Ciro.Analytics.Reports;
using Ciro.Analytics.Rollups;
using Ciro.Printing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Bench.Queries;

/// <summary>bench/run report: the weekly report of the generated year's last whole week, built the way the service
/// builds it (the analytics queries over the weekly rollups, the alerts tables, Debian's Chromium for the PDF), five
/// times after one warm-up; prints the median and the slowest run, with the PDF's share.</summary>
public static class ReportBench
{
    public static async Task<int> RunAsync(NpgsqlDataSource db, RollupReconciler reconciler, IOptions<AnalyticsOptions> analytics,
        DateTimeOffset head, long events)
    {
        var reportOptions = Options.Create(new ReportOptions());
        var builder = new WeeklyReportBuilder(db, new NetworkKpis(db, analytics), new GasKpis(db), new JobKpis(db), new WorkerKpis(db, analytics),
            new IncidentSummary(db), reconciler, new Ciro.Analytics.Experiments.AbExperimentStore(db), new Ciro.Analytics.Experiments.UpgradeImpactQuery(db),
            reportOptions, TimeProvider.System);
        var pdf = new PdfRenderer(Options.Create(new PdfRendererOptions { ChromiumPath = reportOptions.Value.ChromiumPath, RenderTimeout = reportOptions.Value.RenderTimeout }),
            NullLogger<PdfRenderer>.Instance);
        var period = ReportPeriod.WeekBefore(head);
        const int Runs = 5;
        var totals = new List<double>();
        var renders = new List<double>();
        WeeklyReport? last = null;
        byte[] document = [];
        for (var run = 0; run <= Runs; run++)
        {
            var watch = Stopwatch.StartNew();
            last = await builder.BuildAsync(period, default);
            var queried = watch.Elapsed.TotalMilliseconds;
            document = await pdf.RenderHtmlAsync(ReportDocuments.ToHtml(last), default);
            if (run > 0)
            {
                totals.Add(watch.Elapsed.TotalMilliseconds);
                renders.Add(watch.Elapsed.TotalMilliseconds - queried);
            }
        }
        totals.Sort();
        renders.Sort();
        Console.WriteLine($"report {period.Name}: {last!.GasConsumers.Count} gas consumers, {last.Leaderboard.Count} workers, " +
                          $"{last.Kpis.Single(k => k.Name == "Transactions").ThisWeek:N0} transactions in the week; PDF {document.Length:N0} bytes");
        Console.WriteLine($"report: weekly report p50 {totals[Runs / 2]:F0} ms, max {totals[^1]:F0} ms (PDF p50 {renders[Runs / 2]:F0} ms) over {Runs} runs   ({events / 1e6:F2}M events in the year)");
        return 0;
    }
}
