using Ciro.Analytics.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace Ciro.Analytics.Reports;

/// <summary>Starts the report scheduler once the schema is current (the indexer migrates it, and analytics may start
/// first; Quartz checks its tables when the scheduler is created) and keeps the weekly report's trigger in the
/// persistent job store in line with <see cref="ReportOptions"/>. A trigger already stored with the configured cron
/// and time zone is left as it is — its next fire time is what tells Quartz, at restart, that a run was missed (the
/// misfire then runs once: fire-and-proceed). Re-adding it at every start, as AddTrigger does, would recompute the
/// next fire from now and silently drop the missed run. A changed schedule replaces the trigger.</summary>
public sealed class ReportSchedule(
    ISchedulerFactory schedulers, SchemaReadiness schema, TimeProvider clock, IOptions<ReportOptions> options, ILogger<ReportSchedule> logger) : BackgroundService
{
    private IScheduler? _scheduler;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        var scheduler = await schedulers.GetScheduler(stoppingToken);
        var wanted = options.Value;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(wanted.TimeZone);
        if (await scheduler.GetTrigger(WeeklyReportJob.TriggerKey, stoppingToken) is ICronTrigger existing
            && existing.CronExpressionString == wanted.Schedule && existing.TimeZone.Id == zone.Id)
        {
            logger.LogInformation("Weekly report schedule '{Cron}' ({Zone}) kept; next run {Next:u}", wanted.Schedule, zone.Id,
                existing.NextFireTimeUtc);
        }
        else
        {
            var job = JobBuilder.Create<WeeklyReportJob>().WithIdentity(WeeklyReportJob.Key).StoreDurably()
                .WithDescription("Weekly governance and optimisation report").Build();
            var trigger = TriggerBuilder.Create().WithIdentity(WeeklyReportJob.TriggerKey).ForJob(WeeklyReportJob.Key)
                .StartAt(clock.GetUtcNow())
                .WithCronSchedule(wanted.Schedule, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build();
            await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, stoppingToken);
            logger.LogInformation("Weekly report scheduled '{Cron}' ({Zone}); next run {Next:u}", wanted.Schedule, zone.Id,
                trigger.GetFireTimeAfter(clock.GetUtcNow()));
        }
        _scheduler = scheduler;
        await scheduler.Start(stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_scheduler is { } scheduler)
        {
            // A report being printed finishes (or is cut by the host's shutdown timeout); its week is not archived
            // half-way, since the row is written last.
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
    }
}
