using System.Numerics;
using Ciro.Analytics.Queries;
using Ciro.Analytics.Sketches;
using Npgsql;

namespace Ciro.Analytics.Rollups;

/// <summary>
/// Durations of one CIRO job lifecycle stage ending in a bucket (<c>ciro.rollup_jobs</c>, keyed by stage
/// name): each end event is timed against the most recent start event of the same job_id at or before it.
/// </summary>
public sealed record JobStageRollup(DateTimeOffset BucketStart, string Key) : IRollup<JobStageRollup, string>
{
    /// <summary>(stage, start event, end event), in lifecycle order (the order answers list them in).</summary>
    public static readonly (string Stage, string Start, string End)[] Stages =
    [
        ("submitted_to_allocated", CiroEvents.JobSubmitted, CiroEvents.JobAllocated),
        ("allocated_to_assigned", CiroEvents.JobAllocated, CiroEvents.JobAssigned),
        ("assigned_to_completed", CiroEvents.JobAssigned, CiroEvents.JobCompleted),
        ("completed_to_paid", CiroEvents.JobCompleted, CiroEvents.PaymentReleased),
        ("submitted_to_completed", CiroEvents.JobSubmitted, CiroEvents.JobCompleted),
    ];

    public string Stage => Key;
    public long Count { get; set; }
    public BigInteger MsSum { get; set; }
    public required DDSketch Sketch { get; init; }

    public static string Table => "ciro.rollup_jobs";

    public static string Columns => "stage, count, ms_sum, sketch";

    public static JobStageRollup Read(NpgsqlDataReader reader, DateTimeOffset bucketStart)
    {
        var c = new ColumnCursor(reader);
        return new JobStageRollup(bucketStart, c.Text()) { Count = c.Int64(), MsSum = c.Amount(), Sketch = c.Sketch() };
    }

    public async Task WriteAsync(NpgsqlBinaryImporter importer, CancellationToken ct)
    {
        await importer.WriteTextAsync(Stage, ct);
        await importer.WriteInt64Async(Count, ct);
        await importer.WriteAmountAsync(MsSum, ct);
        await importer.WriteSketchAsync(Sketch, ct);
    }

    public static JobStageRollup Create(DateTimeOffset bucketStart, string key) => new(bucketStart, key) { Sketch = new() };

    public void MergeFrom(JobStageRollup other)
    {
        Count += other.Count;
        MsSum += other.MsSum;
        Sketch.Merge(other.Sketch);
    }

    public static async Task ComputeAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, RawScope scope,
        RollupSet<JobStageRollup, string> into, CancellationToken ct)
    {
        foreach (var (stage, startName, endName) in Stages)
        {
            await RawRows.ReadAsync(connection, tx, $"""
                select date_trunc('hour', e.block_time, 'UTC'), (extract(epoch from e.block_time - s.t) * 1000)::bigint
                from ciro.events e
                cross join lateral (select max(x.block_time) t from ciro.events x
                                    where x.name = '{startName}' and x.decoded ? 'job_id' and x.decoded->>'job_id' = e.decoded->>'job_id'
                                      and x.block_time <= e.block_time) s
                where e.name = '{endName}' and e.decoded ? 'job_id' and e.block_time >= $1 and e.block_time < $2 and {RawScope.InBlocks("e")}
                  and s.t is not null
                """, scope, r =>
            {
                var row = into.Get(r.GetFieldValue<DateTimeOffset>(0), stage);
                var ms = Math.Max(0, r.GetInt64(1));
                row.Count++;
                row.MsSum += ms;
                row.Sketch.Add(ms);
            }, ct);
        }
    }
}
