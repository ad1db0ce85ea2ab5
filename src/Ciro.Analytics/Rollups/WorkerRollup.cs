using System.Numerics;
using Ciro.Analytics.Queries;
using Ciro.Analytics.Sketches;
using Ciro.Starknet;
using Npgsql;

namespace Ciro.Analytics.Rollups;

/// <summary>
/// One worker (account address) in a bucket (<c>ciro.rollup_workers</c>): jobs assigned, completed and failed
/// as <see cref="ChainSql.WorkerJobs"/> defines them, tokens paid by PaymentReleased, and the JobAssigned →
/// JobCompleted time of its completed jobs.
/// </summary>
public sealed record WorkerRollup(DateTimeOffset BucketStart, Felt Key) : IRollup<WorkerRollup, Felt>
{
    public Felt Worker => Key;
    public long Assigned { get; set; }
    public long Completed { get; set; }
    public long Failed { get; set; }
    public BigInteger Paid { get; set; }
    public required DDSketch CompletionSketch { get; init; }

    /// <summary>Completed + failed: the jobs the worker finished, the sample size of its success rate.</summary>
    public long Finished => Completed + Failed;

    /// <summary>Completed / (completed + failed), rounded to 6 places; null before any job finished.</summary>
    public double? SuccessRate => Finished == 0 ? null : Math.Round((double)Completed / Finished, 6);

    public static string Table => "ciro.rollup_workers";

    public static string Columns => "worker, assigned, completed, failed, paid, completion_sketch";

    public static WorkerRollup Read(NpgsqlDataReader reader, DateTimeOffset bucketStart)
    {
        var c = new ColumnCursor(reader);
        return new WorkerRollup(bucketStart, c.Felt())
        {
            Assigned = c.Int64(), Completed = c.Int64(), Failed = c.Int64(), Paid = c.Amount(), CompletionSketch = c.Sketch(),
        };
    }

    public async Task WriteAsync(NpgsqlBinaryImporter importer, CancellationToken ct)
    {
        await importer.WriteFeltAsync(Worker, ct);
        await importer.WriteInt64Async(Assigned, ct);
        await importer.WriteInt64Async(Completed, ct);
        await importer.WriteInt64Async(Failed, ct);
        await importer.WriteAmountAsync(Paid, ct);
        await importer.WriteSketchAsync(CompletionSketch, ct);
    }

    public static WorkerRollup Create(DateTimeOffset bucketStart, Felt key) => new(bucketStart, key) { CompletionSketch = new() };

    public void MergeFrom(WorkerRollup other)
    {
        Assigned += other.Assigned;
        Completed += other.Completed;
        Failed += other.Failed;
        Paid += other.Paid;
        CompletionSketch.Merge(other.CompletionSketch);
    }

    private const string PaidKind = "paid";

    /// <summary>The worker's jobs (with the latest JobAssigned of the same job before a completion), then its payments.</summary>
    public static Task ComputeAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, RawScope scope,
        RollupSet<WorkerRollup, Felt> into, CancellationToken ct) =>
        RawRows.ReadAsync(connection, tx, $"""
            select date_trunc('hour', j.block_time, 'UTC'), j.worker, j.kind, null::numeric,
                   (extract(epoch from j.block_time - a.t) * 1000)::bigint
            from ({ChainSql.WorkerJobs}) j
            left join lateral (select max(x.block_time) t from ciro.events x
                               where j.kind = '{ChainSql.Completed}' and x.name = '{CiroEvents.JobAssigned}' and x.decoded ? 'job_id'
                                 and x.decoded->>'job_id' = j.job_id and x.block_time <= j.block_time) a on true
            where {RawScope.InBlocks("j")}
            union all
            select date_trunc('hour', e.block_time, 'UTC'), ciro.felt_bytes(e.decoded->>'worker'), '{PaidKind}',
                   case when {ChainSql.IsAmount("e.decoded->>'amount'")} then (e.decoded->>'amount')::numeric end, null
            from ciro.events e
            where e.name = '{CiroEvents.PaymentReleased}' and {ChainSql.IsFelt("e.decoded->>'worker'")}
              and e.block_time >= $1 and e.block_time < $2 and {RawScope.InBlocks("e")}
            """, scope, r =>
        {
            var row = into.Get(r.GetFieldValue<DateTimeOffset>(0), Felt.FromBytes(r.GetFieldValue<byte[]>(1)));
            switch (r.GetString(2))
            {
                case ChainSql.Assigned:
                    row.Assigned++;
                    break;
                case ChainSql.Completed:
                    row.Completed++;
                    if (!r.IsDBNull(4))
                    {
                        row.CompletionSketch.Add(Math.Max(0, r.GetInt64(4)));
                    }
                    break;
                case ChainSql.Failed:
                    row.Failed++;
                    break;
                default:
                    row.Paid += r.IsDBNull(3) ? BigInteger.Zero : r.GetFieldValue<BigInteger>(3);
                    break;
            }
        }, ct);
}
