namespace Ciro.Analytics.Queries;

/// <summary>
/// SQL over the indexer's tables that more than one query needs, written once so that the rollups, the KPI
/// tables, the block summary and the live jobs chart count the same things. Fragments take the alias of the
/// table they qualify and are built from constants only; values are always bound as parameters.
/// </summary>
public static class ChainSql
{
    /// <summary>The field prime P as 32 big-endian bytes: a felt stored as bytea is below it.</summary>
    private const string PrimeBytes = @"'\x0800000000000011000000000000000000000000000000000000000000000001'::bytea";

    /// <summary>A decoded event field that holds a felt: 0x hex of at most 64 digits, below P. Checked before
    /// <c>ciro.felt_bytes</c> so a malformed value is skipped rather than failing the whole query.</summary>
    public static string IsFelt(string field) =>
        $"({field} ~ '^0x[0-9a-fA-F]{{1,64}}$' and ciro.felt_bytes({field}) < {PrimeBytes})";

    /// <summary>A decoded event field that holds a token amount: a decimal of at most 78 digits (u256).</summary>
    public static string IsAmount(string field) => $"({field} ~ '^[0-9]{{1,78}}$')";

    /// <summary>The transaction of alias <paramref name="t"/> reverted.</summary>
    public static string Reverted(string t) => $"{t}.execution_status = 'REVERTED'";

    /// <summary>The failed-job rule: a reverted transaction, sent by an account, that calls
    /// <see cref="CiroEvents.SubmitJobResult"/> (counted once however many such calls it makes).</summary>
    public static string FailedJobResult(string t) => $"""
        {Reverted(t)} and {t}.sender is not null
        and exists (select 1 from ciro.tx_calls fc where fc.block_number = {t}.block_number and fc.tx_index = {t}.tx_index
                    and fc.block_time = {t}.block_time and fc.function_name = '{CiroEvents.SubmitJobResult}')
        """;

    /// <summary>The previous-block join: <c>p.block_time</c> is the time of block n − 1 (null for the first
    /// stored block), so a block interval is <c>b.block_time - p.block_time</c>, counted in block n.</summary>
    public static string PreviousBlock(string b) =>
        $"left join lateral (select block_time from ciro.blocks p where p.block_number = {b}.block_number - 1 limit 1) p on true";

    /// <summary>The number of reverted transactions in the block of alias <paramref name="b"/>.</summary>
    public static string RevertedInBlock(string b) =>
        $"(select count(*) from ciro.transactions rt where rt.block_number = {b}.block_number and rt.block_time = {b}.block_time and {Reverted("rt")})";

    public const string Assigned = "assigned";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>
    /// The one definition of a job assigned, completed or failed at a time, by a worker: rows
    /// (block_time, worker bytea, kind = <see cref="Assigned"/> | <see cref="Completed"/> | <see cref="Failed"/>, job_id,
    /// block_number) with block_time in [$1, $2). Assigned and completed are JobAssigned and JobCompleted events naming a
    /// worker; failed is <see cref="FailedJobResult"/>, attributed to its sender (job_id unknown: null).
    /// The live jobs chart counts these per minute and the worker rollups per hour and worker, so both agree
    /// by construction (tested).
    /// </summary>
    public static readonly string WorkerJobs = $"""
        select e.block_time, ciro.felt_bytes(e.decoded->>'worker') as worker,
               case e.name when '{CiroEvents.JobAssigned}' then '{Assigned}' else '{Completed}' end as kind,
               e.decoded->>'job_id' as job_id, e.block_number
        from ciro.events e
        where e.name in ('{CiroEvents.JobAssigned}', '{CiroEvents.JobCompleted}') and {IsFelt("e.decoded->>'worker'")}
          and e.block_time >= $1 and e.block_time < $2
        union all
        select t.block_time, t.sender, '{Failed}', null, t.block_number
        from ciro.transactions t
        where t.block_time >= $1 and t.block_time < $2 and {FailedJobResult("t")}
        """;
}
