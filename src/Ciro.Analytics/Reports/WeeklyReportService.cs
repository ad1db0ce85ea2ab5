using System.Diagnostics;
using Ciro.Printing;

namespace Ciro.Analytics.Reports;

/// <summary>What one run did: the period, whether this run wrote it (false: it was archived already) and the
/// emails it sent.</summary>
public sealed record ReportRun(ReportPeriod Period, Guid ReportId, bool Generated, int EmailsSent, TimeSpan Elapsed);

/// <summary>One report run: build the week's report, print it, archive it under its period (once), mail what is owed.
/// A period already archived is not built again, so a repeated fire, a misfire at restart or a second replica
/// costs one lookup.</summary>
public sealed class WeeklyReportService(
    WeeklyReportBuilder builder, PdfRenderer pdf, ReportArchive archive, ReportMailer mailer, ReportMetrics metrics, ILogger<WeeklyReportService> logger)
{
    public async Task<ReportRun> RunAsync(ReportPeriod period, DateTimeOffset? scheduledFor, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var generated = false;
            if (await archive.FindAsync(ReportArchive.Weekly, period.Start, ct) is null)
            {
                var report = await builder.BuildAsync(period, ct);
                var document = await pdf.RenderHtmlAsync(ReportDocuments.ToHtml(report), ct);
                generated = await archive.InsertAsync(report, scheduledFor, ReportDocuments.ToJson(report), ReportDocuments.ToCsv(report), document, ct);
            }
            var stored = await archive.FindAsync(ReportArchive.Weekly, period.Start, ct)
                ?? throw new InvalidOperationException($"report {period.Name} is not in reports.reports after it was written");
            (generated ? metrics.Generated : metrics.AlreadyArchived).Add(1);
            var emails = await mailer.SendOwedAsync(ct);
            metrics.Duration.Record(watch.Elapsed.TotalMilliseconds);
            logger.LogInformation("Weekly report {Period} ({Start:u} – {End:u}): {Outcome}, {Emails} emails sent, {Milliseconds} ms",
                period.Name, period.Start, period.End, generated ? "generated" : "already archived", emails, watch.ElapsedMilliseconds);
            return new ReportRun(period, stored.Id, generated, emails, watch.Elapsed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.Failures.Add(1);
            logger.LogError(e, "Weekly report {Period} failed", period.Name);
            throw;
        }
    }
}
