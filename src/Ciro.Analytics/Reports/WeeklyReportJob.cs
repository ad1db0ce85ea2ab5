using Quartz;

namespace Ciro.Analytics.Reports;

/// <summary>The Quartz job of the weekly report. The period is the last whole week before the time the fire was
/// scheduled for, so every fire for one schedule slot reports the same period and the archive's unique (kind, period)
/// makes a repeated fire a no-op. A misfire (the service was down at the scheduled time; Quartz fires it once at
/// restart and keeps the first missed time as "scheduled") reports the last whole week before the restart instead:
/// after three missed Mondays that is the newest week, not the oldest. Non-concurrent across the cluster of
/// schedulers sharing the job store.</summary>
[DisallowConcurrentExecution]
public sealed class WeeklyReportJob(WeeklyReportService reports, Microsoft.Extensions.Options.IOptions<ReportOptions> options) : IJob
{
    public static readonly JobKey Key = new("weekly-report", "reports");
    public static readonly TriggerKey TriggerKey = new("weekly-report-schedule", "reports");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var scheduledFor = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        if (context.FireTimeUtc - scheduledFor > options.Value.MisfireThreshold)
        {
            scheduledFor = context.FireTimeUtc;
        }
        try
        {
            await reports.RunAsync(ReportPeriod.WeekBefore(scheduledFor), scheduledFor, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Logged and counted by the service; Quartz records the failure and the next fire tries again.
            throw new JobExecutionException(e);
        }
    }
}
