using Ciro.Analytics.Reports;
using Ciro.Printing;
using Microsoft.Extensions.Options;
using Quartz;

namespace Ciro.Analytics.Extensions;

public static class ReportsExtensions
{
    /// <summary>The weekly report: its pieces, and (when <see cref="ReportOptions.Enabled"/>) a Quartz scheduler whose
    /// jobs, triggers and misfires live in PostgreSQL (reports.qrtz_*), clustered so that several analytics replicas
    /// run each report once.</summary>
    public static void AddReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReportOptions>().BindConfiguration(ReportOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IncidentSummary>();
        builder.Services.AddSingleton<WeeklyReportBuilder>();
        builder.Services.AddPdfRenderer((pdf, services) =>
        {
            var reports = services.GetRequiredService<IOptions<ReportOptions>>().Value;
            pdf.ChromiumPath = reports.ChromiumPath;
            pdf.RenderTimeout = reports.RenderTimeout;
            pdf.RenderTimeoutKey = $"{ReportOptions.SectionName}:{nameof(ReportOptions.RenderTimeout)}";
        });
        builder.Services.AddSingleton<ReportArchive>();
        builder.Services.AddSingleton<ReportMailer>();
        builder.Services.AddSingleton<ReportMetrics>();
        builder.Services.AddSingleton<WeeklyReportService>();

        var options = builder.Configuration.GetSection(ReportOptions.SectionName).Get<ReportOptions>() ?? new ReportOptions();
        if (!options.Enabled)
        {
            return;
        }
        var database = builder.Configuration.GetConnectionString("ciro")
            ?? throw new InvalidOperationException("ConnectionStrings:ciro is not set; the report scheduler keeps its jobs in that database.");
        var store = ReportStoreConnection.For(database);
        builder.Services.AddSingleton(store);
        // Quartz reads the container's TimeProvider: fire times, misfires and the reported period follow one clock.
        builder.Services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                // Alerts runs its own (in-memory) scheduler in its own process; this name keys the rows in reports.qrtz_*.
                s.InstanceName = "ciro-reports";
                s.GenerateInstanceId = true;
            });
            q.UsePersistentStore(persistent =>
            {
                persistent.ConfigureStore(s =>
                {
                    s.TablePrefix = "reports.qrtz_";
                    s.MisfireThreshold = options.MisfireThreshold;
                });
                persistent.UseClustering(c => c.Enabled = true);
                persistent.UseSystemTextJsonSerializer(_ => { });
                persistent.UsePostgres(store.ConnectionString);
            });
        });
        // Not Quartz's hosted service: the scheduler starts once the schema is current (ReportSchedule).
        builder.Services.AddHostedService<ReportSchedule>();
    }
}
