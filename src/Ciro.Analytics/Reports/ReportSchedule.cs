using Microsoft.Extensions.Options;
using Quartz;

namespace Ciro.Analytics.Reports;

/// <summary>Keeps the weekly report's trigger in the persistent job store in line with <see cref="ReportOptions"/>.
/// A trigger already stored with the configured cron and time zone is left as it is — its next fire time is what
/// tells Quartz, at restart, that a run was missed (the misfire then runs once: fire-and-proceed). Re-adding it at
/// every start, as AddTrigger does, would recompute the next fire from now and silently drop the missed run. A
/// changed schedule replaces the trigger.</summary>
public sealed class ReportSchedule(
    ISchedulerFactory schedulers, TimeProvider clock, IOptions<ReportOptions> options, ILogger<ReportSchedule> logger) : IHostedService
{
    /// <summary>Runs before the Quartz hosted service starts the scheduler (registered first): the trigger is in
    /// the store before the scheduler looks for due and misfired triggers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var wanted = options.Value;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(wanted.TimeZone);
        if (await scheduler.GetTrigger(WeeklyReportJob.TriggerKey, cancellationToken) is ICronTrigger existing
            && existing.CronExpressionString == wanted.Schedule && existing.TimeZone.Id == zone.Id)
        {
            logger.LogInformation("Weekly report schedule '{Cron}' ({Zone}) kept; next run {Next:u}", wanted.Schedule, zone.Id,
                existing.NextFireTimeUtc);
            return;
        }
        var job = JobBuilder.Create<WeeklyReportJob>().WithIdentity(WeeklyReportJob.Key).StoreDurably()
            .WithDescription("Weekly governance and optimisation report").Build();
        var trigger = TriggerBuilder.Create().WithIdentity(WeeklyReportJob.TriggerKey).ForJob(WeeklyReportJob.Key)
            .StartAt(clock.GetUtcNow())
            .WithCronSchedule(wanted.Schedule, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build();
        await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, cancellationToken);
        logger.LogInformation("Weekly report scheduled '{Cron}' ({Zone}); next run {Next:u}", wanted.Schedule, zone.Id,
            trigger.GetFireTimeAfter(clock.GetUtcNow()));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
