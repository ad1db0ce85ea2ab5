using Npgsql;
using NpgsqlTypes;

namespace Ciro.Analytics.Rollups;

/// <summary>
/// Keeps <c>ciro.usage_callers</c> — calls and transactions per (hour or day, contract, selector, sender) — in step
/// with the rolled-up hours, in the reconciler's transaction, as <see cref="FunctionCallers"/> is: the usage KPI
/// reads it instead of the raw calls. A transaction without a sender (an L1 handler) is stored under the empty
/// sender: it counts in calls and transactions, never as a caller. Both figures add over blocks (a transaction
/// lives in one block), so new blocks of a rolled-up hour are added to the stored rows (<see cref="FoldBlocksAsync"/>)
/// and a recomputed hour is replaced whole (<see cref="FoldHoursAsync"/>), its day rebuilt from its hour rows
/// (<see cref="RemergeDayAsync"/>); the two give the same rows (tested against the raw definition).
/// With the day rows it keeps <c>ciro.usage_returns</c> (migration 112): each day's callers per function counted by the
/// day of their previous call, which the usage KPI sums for distinct callers over whole days. A fold adds its senders
/// under their previous day; a re-merged day is recounted; and a day whose senders appeared or vanished has the next
/// day of each of those senders recounted (fold == recompute, RollupFoldTests).
/// </summary>
public static class UsageCallers
{
    /// <summary>The rows per hour of the scope's calls ($1, $2, $3 as <see cref="RawScope"/>). function_name is the
    /// max of the calls' names, as a fold keeps the greatest of the stored and the new one.</summary>
    private static readonly string RawHours = $"""
        select date_trunc('hour', c.block_time, 'UTC') as hour, c.contract, c.selector, coalesce(t.sender, '\x'::bytea) as sender,
               max(c.function_name) as function_name, count(*) as calls, count(distinct (c.block_number, c.tx_index)) as txs
        from ciro.tx_calls c
        join ciro.transactions t on t.block_number = c.block_number and t.tx_index = c.tx_index and t.block_time = c.block_time
        where c.block_time >= $1 and c.block_time < $2 and t.block_time >= $1 and t.block_time < $2
          and {RawScope.InBlocks("c")} and {RawScope.InBlocks("t")}
        group by 1, c.contract, c.selector, coalesce(t.sender, '\x'::bytea)
        """;

    /// <summary>Replaces the hour rows of [<paramref name="start"/>, <paramref name="end"/>) by the rows computed from
    /// the raw calls stored now (reorg, reindex, a new hour). The days holding them must then be re-merged
    /// (<see cref="RemergeDayAsync"/>), after any fold of the same pass.</summary>
    public static async Task FoldHoursAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        // Two statements: a multi-statement command cannot carry $n parameters.
        await using (var delete = new NpgsqlCommand("delete from ciro.usage_callers where bucket = 'hour' and bucket_start >= $1 and bucket_start < $2", connection, tx))
        {
            delete.Parameters.AddWithValue(start);
            delete.Parameters.AddWithValue(end);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await using var insert = new NpgsqlCommand($"""
            insert into ciro.usage_callers (bucket, bucket_start, contract, selector, sender, function_name, calls, txs)
            select 'hour', hour, contract, selector, sender, function_name, calls, txs from ({RawHours}) h
            """, connection, tx);
        AddScope(insert, new RawScope(start, end));
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Adds the rows of the blocks of <paramref name="scope"/> to the stored rows of the buckets given
    /// (hour and/or day; the reconciler passes [hour] alone when the day is re-merged afterwards), and with the day
    /// rows their counts by previous day (<c>ciro.usage_returns</c>). The scope's blocks are of one day.</summary>
    public static async Task FoldBlocksAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RawScope scope, IReadOnlyList<string> buckets, CancellationToken ct)
    {
        var (hours, days) = (buckets.Contains(Buckets.Hour), buckets.Contains(Buckets.Day));
        if (!hours && !days)
        {
            return;
        }
        // The day rows group the delta's hours first: one upsert may not touch a row twice. The statement's reads
        // (the lateral look-ups, the not-exists) see the rows as they were before it: a sender is new to the day
        // when it had no day row yet, and its previous day is before the scope's day, which this statement does
        // not write. The rows returned are the days after it where such a new sender calls next: their previous
        // day moved to this one (a block arriving after later days were rolled up), so they are recounted.
        await using var command = new NpgsqlCommand($"""
            with delta as ({RawHours}),
            day_delta as (
              select date_trunc('day', hour, 'UTC') as day, contract, selector, sender, max(function_name) as function_name,
                     sum(calls)::bigint as calls, sum(txs)::bigint as txs
              from delta where $5
              group by date_trunc('day', hour, 'UTC'), contract, selector, sender),
            fresh as (
              select d.*, not exists (select 1 from ciro.usage_callers x where x.bucket = 'day' and x.bucket_start = d.day
                                        and x.contract = d.contract and x.selector = d.selector and x.sender = d.sender) as new_to_day
              from day_delta d),
            upsert as (
              insert into ciro.usage_callers as u (bucket, bucket_start, contract, selector, sender, function_name, calls, txs)
              select 'hour', hour, contract, selector, sender, function_name, calls, txs from delta where $4
              union all
              select 'day', day, contract, selector, sender, function_name, calls, txs from day_delta
              on conflict (bucket, bucket_start, contract, selector, sender) do update set
                calls = u.calls + excluded.calls, txs = u.txs + excluded.txs,
                function_name = greatest(u.function_name, excluded.function_name)),
            returns as (
              insert into ciro.usage_returns as r (day, contract, selector, prev_day, callers, calls, txs, function_name)
              select f.day, f.contract, f.selector, coalesce(p.prev_day, '-infinity'),
                     count(*) filter (where f.new_to_day and f.sender <> '\x'::bytea), sum(f.calls)::bigint, sum(f.txs)::bigint, max(f.function_name)
              from fresh f
              cross join lateral ({PreviousDay("f", "f.day")}) p
              group by f.day, f.contract, f.selector, coalesce(p.prev_day, '-infinity')
              on conflict (day, contract, selector, prev_day) do update set
                callers = r.callers + excluded.callers, calls = r.calls + excluded.calls, txs = r.txs + excluded.txs,
                function_name = greatest(r.function_name, excluded.function_name))
            select distinct n.next_day from fresh f
            cross join lateral ({NextDay("f", "f.day")}) n
            where f.new_to_day and n.next_day is not null
            """, connection, tx);
        AddScope(command, scope);
        command.Parameters.AddWithValue(hours);
        command.Parameters.AddWithValue(days);
        var later = new List<DateTimeOffset>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                later.Add(reader.GetFieldValue<DateTimeOffset>(0));
            }
        }
        foreach (var day in later)
        {
            await RecountReturnsAsync(connection, tx, day, ct);
        }
    }

    /// <summary>The latest day row of the same (contract, selector, sender) as <paramref name="row"/> before
    /// <paramref name="day"/> (null when none): one backward probe of usage_callers_sender_days.</summary>
    private static string PreviousDay(string row, string day) => $"""
        select max(x.bucket_start) as prev_day from ciro.usage_callers x
        where x.bucket = 'day' and x.contract = {row}.contract and x.selector = {row}.selector and x.sender = {row}.sender and x.bucket_start < {day}
        """;

    /// <summary>The earliest day row of the same (contract, selector, sender) after <paramref name="day"/>.</summary>
    private static string NextDay(string row, string day) => $"""
        select min(x.bucket_start) as next_day from ciro.usage_callers x
        where x.bucket = 'day' and x.contract = {row}.contract and x.selector = {row}.selector and x.sender = {row}.sender and x.bucket_start > {day}
        """;

    /// <summary>Recounts <c>ciro.usage_returns</c> of the day starting at <paramref name="day"/> from its usage day
    /// rows, each sender under its previous day.</summary>
    public static async Task RecountReturnsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset day, CancellationToken ct)
    {
        await using (var delete = new NpgsqlCommand("delete from ciro.usage_returns where day = $1", connection, tx))
        {
            delete.Parameters.AddWithValue(day);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await using var insert = new NpgsqlCommand($"""
            insert into ciro.usage_returns (day, contract, selector, prev_day, callers, calls, txs, function_name)
            select $1, u.contract, u.selector, coalesce(p.prev_day, '-infinity'), count(*) filter (where u.sender <> '\x'::bytea),
                   sum(u.calls)::bigint, sum(u.txs)::bigint, max(u.function_name)
            from ciro.usage_callers u
            cross join lateral ({PreviousDay("u", "$1")}) p
            where u.bucket = 'day' and u.bucket_start = $1
            group by u.contract, u.selector, coalesce(p.prev_day, '-infinity')
            """, connection, tx);
        insert.Parameters.AddWithValue(day);
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Rebuilds the day rows of the day starting at <paramref name="day"/> from its hour rows, then recounts
    /// its <c>ciro.usage_returns</c>, and those of the next day of every sender that appeared on it or vanished from
    /// it (that day's previous day for the sender moved).</summary>
    public static async Task RemergeDayAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset day, CancellationToken ct)
    {
        // One statement: the delete and the insert return the day's senders before and after, and the look-ups of
        // the next days read the rows as they were (days after this one, which it does not write).
        await using var remerge = new NpgsqlCommand("""
            with before as (
              delete from ciro.usage_callers where bucket = 'day' and bucket_start = $1
              returning contract, selector, sender),
            after as (
              insert into ciro.usage_callers (bucket, bucket_start, contract, selector, sender, function_name, calls, txs)
              select 'day', $1, contract, selector, sender, max(function_name), sum(calls)::bigint, sum(txs)::bigint
              from ciro.usage_callers where bucket = 'hour' and bucket_start >= $1 and bucket_start < $2
              group by contract, selector, sender
              returning contract, selector, sender),
            moved as ((select * from before except select * from after) union (select * from after except select * from before))
            select distinct n.next_day from moved m
            cross join lateral (
              select min(x.bucket_start) as next_day from ciro.usage_callers x
              where x.bucket = 'day' and x.contract = m.contract and x.selector = m.selector and x.sender = m.sender and x.bucket_start > $1) n
            where n.next_day is not null
            """, connection, tx);
        remerge.Parameters.AddWithValue(day);
        remerge.Parameters.AddWithValue(day + Buckets.Length(Buckets.Day));
        var later = new List<DateTimeOffset>();
        await using (var reader = await remerge.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                later.Add(reader.GetFieldValue<DateTimeOffset>(0));
            }
        }
        foreach (var recount in later.Prepend(day))
        {
            await RecountReturnsAsync(connection, tx, recount, ct);
        }
    }

    private static void AddScope(NpgsqlCommand command, RawScope scope)
    {
        command.Parameters.AddWithValue(scope.Start);
        command.Parameters.AddWithValue(scope.End);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = (object?)scope.Blocks ?? DBNull.Value });
    }
}
