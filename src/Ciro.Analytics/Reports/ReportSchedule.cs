using Ciro.Analytics.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Ciro.Analytics.Reports;

/// <summary>Starts the report scheduler once the schema is current (the indexer migrates it, and analytics may start
/// first; Quartz checks its tables when the scheduler is created) and keeps the weekly report's trigger in the
/// persistent job store in line with <see cref="ReportOptions"/>. A trigger already stored with the configured cron
/// and time zone is left as it is — its next fire time is what tells Quartz, at restart, that a run was missed (the
/// misfire then runs once: fire-and-proceed). Re-adding it at every start, as AddTrigger does, would recompute the
/// next fire from now and silently drop the missed run. A changed schedule replaces the trigger. Starting runs
/// under <see cref="BackgroundLoop"/>: a database that refuses connections at that moment (Quartz checks its tables
/// then) is reported on /health as "report-scheduler is down" and retried with backoff; it never stops the host.
/// At stop the scheduler's connections are closed: Quartz opens them from the connection string, in Npgsql's
/// process-wide pool, which the host's data source does not own.</summary>
public sealed class ReportSchedule(
    ISchedulerFactory schedulers, SchemaReadiness schema, ReportStoreConnection store, BackgroundLoopHealth health, TimeProvider clock,
    IOptions<ReportOptions> options, ILogger<ReportSchedule> logger) : BackgroundService
{
    public const string LoopName = "report-scheduler";
    private IScheduler? _scheduler;
    private bool _started;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundLoop.RunAsync(LoopName, async ct =>
        {
            if (!_started)
            {
                await StartSchedulerAsync(ct);
                _started = true;
                health.Recovered(LoopName);
            }
            // Started: nothing more to do until the host stops.
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, ct);
        }, health, clock, logger, stoppingToken);

    private async Task StartSchedulerAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        var scheduler = await schedulers.GetScheduler(stoppingToken);
        _scheduler = scheduler;
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
        using var connection = new NpgsqlConnection(store.ConnectionString);
        NpgsqlConnection.ClearPool(connection);
    }
}
