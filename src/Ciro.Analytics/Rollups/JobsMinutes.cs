using Ciro.Analytics.Queries;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Analytics.Rollups;

/// <summary>
/// Keeps <c>ciro.rollup_jobs_minute</c> — CIRO job lifecycle counts per UTC minute, the live jobs chart's data — in
/// step with the rolled-up hours, like <see cref="FunctionCallers"/>: the reconciler rewrites every hour it recomputes
/// and adds every block it folds, in the transaction that moves the ledger, so the table holds exactly the counts of
/// the ledger's blocks. A minute's counts depend only on its own blocks' rows, so adding a block's counts gives what a
/// recompute would. The chart (<see cref="AnalyticsQueries.GetJobsActivityAsync"/>) adds the blocks not yet in the
/// ledger, counted by the same <see cref="PerMinute"/>.
/// </summary>
public static class JobsMinutes
{
    /// <summary>
    /// The one definition of the chart's counts: rows (minute, submitted, allocated, assigned, completed, failed) of
    /// the rows of a <see cref="RawScope"/> ($1, $2, $3). Submitted and allocated are their events; assigned, completed
    /// and failed are <see cref="ChainSql.WorkerJobs"/>, the definition the worker rollups count too ("failed" = a
    /// reverted submit_job_result transaction: the CIRO JobManager has no failure event). Only minutes with a row.
    /// </summary>
    public static readonly string PerMinute = $"""
        with lifecycle as (
          select date_trunc('minute', e.block_time, 'UTC') as minute, e.name as kind
          from ciro.events e
          where e.block_time >= $1 and e.block_time < $2 and e.name in ('{CiroEvents.JobSubmitted}', '{CiroEvents.JobAllocated}')
            and {RawScope.InBlocks("e")}
          union all
          select date_trunc('minute', j.block_time, 'UTC'), j.kind from ({ChainSql.WorkerJobs}) j
          where {RawScope.InBlocks("j")}
        )
        select minute,
               count(*) filter (where kind = '{CiroEvents.JobSubmitted}') as submitted,
               count(*) filter (where kind = '{CiroEvents.JobAllocated}') as allocated,
               count(*) filter (where kind = '{ChainSql.Assigned}') as assigned,
               count(*) filter (where kind = '{ChainSql.Completed}') as completed,
               count(*) filter (where kind = '{ChainSql.Failed}') as failed
        from lifecycle group by minute
        """;

    /// <summary>Rewrites the minutes of hours [<paramref name="start"/>, <paramref name="end"/>) from raw (hours are
    /// whole minutes, so no minute is split).</summary>
    public static async Task FoldHoursAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        await using (var delete = new NpgsqlCommand("delete from ciro.rollup_jobs_minute where minute >= $1 and minute < $2", connection, tx))
        {
            delete.Parameters.AddWithValue(start);
            delete.Parameters.AddWithValue(end);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await using var insert = Command($"""
            insert into ciro.rollup_jobs_minute (minute, submitted, allocated, assigned, completed, failed)
            {PerMinute}
            """, connection, tx, new RawScope(start, end));
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Adds the counts of the blocks of <paramref name="scope"/> to their minutes.</summary>
    public static async Task FoldBlocksAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RawScope scope, CancellationToken ct)
    {
        await using var upsert = Command($"""
            insert into ciro.rollup_jobs_minute as m (minute, submitted, allocated, assigned, completed, failed)
            {PerMinute}
            on conflict (minute) do update set
              submitted = m.submitted + excluded.submitted, allocated = m.allocated + excluded.allocated,
              assigned = m.assigned + excluded.assigned, completed = m.completed + excluded.completed,
              failed = m.failed + excluded.failed
            """, connection, tx, scope);
        await upsert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A command over <paramref name="sql"/> with the scope bound as $1, $2, $3.</summary>
    public static NpgsqlCommand Command(string sql, NpgsqlConnection connection, NpgsqlTransaction? tx, RawScope scope)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddWithValue(scope.Start);
        command.Parameters.AddWithValue(scope.End);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = (object?)scope.Blocks ?? DBNull.Value });
        return command;
    }
}
