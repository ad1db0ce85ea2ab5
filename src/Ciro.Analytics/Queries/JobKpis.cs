using Ciro.Analytics.Rollups;
using Npgsql;

namespace Ciro.Analytics.Queries;

/// <summary>Duration of one lifecycle stage (see <see cref="JobStageRollup.Stages"/>) ending in the bucket.</summary>
public sealed record JobStageRow(DateTimeOffset BucketStart, string Stage, long Count, double? MeanSeconds, double? P50Seconds, double? P95Seconds, double? P99Seconds);

/// <summary>One job submitted in the range with the first time of each lifecycle event (null = not yet).</summary>
public sealed record JobRow(
    string JobId, string? Client, string? Worker, string? Payment, DateTimeOffset? SubmittedAt, DateTimeOffset? AllocatedAt,
    DateTimeOffset? AssignedAt, DateTimeOffset? CompletedAt, DateTimeOffset? PaidAt, double? SubmittedToCompletedSeconds);

public sealed class JobKpis(NpgsqlDataSource dataSource)
{
    public const string StageNote =
        "Stages join CIRO events on job_id: each end event is timed against the latest start event of the same job at or before it and counted in the end event's bucket. Block times have one-second resolution.";

    public async Task<TablePage<JobStageRow>> GetStagesAsync(KpiRequest request, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var set = await RollupStore.LoadAsync<JobStageRollup, string>(connection, null, request.Bucket,
            Buckets.Floor(request.From, request.Bucket), request.To, t => t, ct);
        var order = JobStageRollup.Stages.Select(s => s.Stage).ToList();
        var rows = set.Rows
            .Select(r => new JobStageRow(r.BucketStart, r.Stage, r.Count,
                r.Count > 0 ? Math.Round((double)r.MsSum / 1000 / r.Count, 6) : null,
                GasKpis.Quantile(r.Sketch, 0.5, 1000), GasKpis.Quantile(r.Sketch, 0.95, 1000), GasKpis.Quantile(r.Sketch, 0.99, 1000)))
            .OrderBy(r => r.BucketStart).ThenBy(r => order.IndexOf(r.Stage)).ToList();
        return TablePage<JobStageRow>.Of(rows, request, StageNote);
    }

    /// <summary>Jobs whose JobSubmitted falls in the range, newest first; filtered to a worker when given.</summary>
    public async Task<TablePage<JobRow>> GetJobsAsync(KpiRequest request, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            with jobs as (
              select distinct decoded->>'job_id' as job_id from ciro.events
              where name = '{CiroEvents.JobSubmitted}' and decoded ? 'job_id' and block_time >= $1 and block_time < $2),
            lifecycle as (
              select e.decoded->>'job_id' as job_id,
                     max(e.decoded->>'client') filter (where e.name = '{CiroEvents.JobSubmitted}') as client,
                     max(e.decoded->>'payment') filter (where e.name = '{CiroEvents.JobSubmitted}') as payment,
                     max(e.decoded->>'worker') filter (where e.name = '{CiroEvents.JobAssigned}') as worker,
                     min(e.block_time) filter (where e.name = '{CiroEvents.JobSubmitted}') as submitted,
                     min(e.block_time) filter (where e.name = '{CiroEvents.JobAllocated}') as allocated,
                     min(e.block_time) filter (where e.name = '{CiroEvents.JobAssigned}') as assigned,
                     min(e.block_time) filter (where e.name = '{CiroEvents.JobCompleted}') as completed,
                     min(e.block_time) filter (where e.name = '{CiroEvents.PaymentReleased}') as paid
              from ciro.events e join jobs j on j.job_id = e.decoded->>'job_id'
              where e.name in ({string.Join(", ", CiroEvents.Lifecycle.Select(n => $"'{n}'"))})
                and e.decoded ? 'job_id' and e.block_time >= $1
              group by 1)
            select job_id, client, worker, payment, submitted, allocated, assigned, completed, paid,
                   extract(epoch from completed - submitted)::float8
            from lifecycle
            where $3::bytea is null or ({ChainSql.IsFelt("worker")} and ciro.felt_bytes(worker) = $3)
            order by submitted desc, job_id
            """, connection);
        command.Parameters.AddWithValue(request.From);
        command.Parameters.AddWithValue(request.To);
        command.Parameters.Add(new NpgsqlParameter { Value = request.Worker?.ToBytes() ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        var rows = new List<JobRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(new JobRow(reader.GetString(0), Text(1), Text(2), Text(3), Time(4), Time(5), Time(6), Time(7), Time(8),
                reader.IsDBNull(9) ? null : reader.GetDouble(9)));
        }
        return TablePage<JobRow>.Of(rows, request, "Each lifecycle time is the job's first event of that kind; payment is the JobSubmitted payment as a decimal string.");
    }
}
