using Quartz;

namespace Ciro.Alerts.Incidents;

/// <summary>Runs every escalation step and acknowledgement timeout that is due. The due time lives on the incident
/// row (written in the transaction of the transition that scheduled it), so a restart neither loses nor repeats a
/// step, and two replicas running this job at once each claim different incidents (FOR UPDATE SKIP LOCKED). Then the
/// notification groups that are due are flushed the same way (<see cref="AlertGroups"/>).</summary>
[DisallowConcurrentExecution]
public sealed class EscalationJob(IncidentStore incidents, AlertGroups groups, AlertsMetrics metrics, ILogger<EscalationJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        try
        {
            while (await incidents.EscalateNextDueAsync(ct))
            {
            }
            while (await groups.FlushNextDueAsync(ct))
            {
            }
        }
        catch (Npgsql.NpgsqlException ex)
        {
            // The database is away: the claim rolled back; the next run tries again.
            metrics.EvaluationErrors.Add(1, new KeyValuePair<string, object?>("rule", "escalation"));
            logger.LogWarning(ex, "Escalation sweep failed; retrying at the next run");
        }
    }
}
