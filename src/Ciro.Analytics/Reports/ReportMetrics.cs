using System.Diagnostics.Metrics;

namespace Ciro.Analytics.Reports;

/// <summary>Counters of the periodic reports (meter <c>Ciro.Analytics</c>).</summary>
public sealed class ReportMetrics
{
    public ReportMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Notifications.AnalyticsMetrics.MeterName);
        Generated = meter.CreateCounter<long>("ciro.reports.generated", description: "Reports generated and archived");
        AlreadyArchived = meter.CreateCounter<long>("ciro.reports.already_archived", description: "Runs whose period was already archived (a repeated or concurrent run): nothing written");
        Failures = meter.CreateCounter<long>("ciro.reports.failures", description: "Report runs that failed (retried at the next fire)");
        EmailsSent = meter.CreateCounter<long>("ciro.reports.emails_sent", description: "Report emails accepted by the SMTP server");
        EmailFailures = meter.CreateCounter<long>("ciro.reports.email_failures", description: "Report emails that failed (tried again on the next run)");
        Duration = meter.CreateHistogram<double>("ciro.reports.duration", "ms", "One report: queries, PDF, archive");
    }

    public Counter<long> Generated { get; }
    public Counter<long> AlreadyArchived { get; }
    public Counter<long> Failures { get; }
    public Counter<long> EmailsSent { get; }
    public Counter<long> EmailFailures { get; }
    public Histogram<double> Duration { get; }
}
