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
    /// (hour and/or day; the reconciler passes [hour] alone when the day is re-merged afterwards).</summary>
    public static async Task FoldBlocksAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RawScope scope, IReadOnlyList<string> buckets, CancellationToken ct)
    {
        var (hours, days) = (buckets.Contains(Buckets.Hour), buckets.Contains(Buckets.Day));
        if (!hours && !days)
        {
            return;
        }
        // The day rows group the delta's hours first: one upsert may not touch a row twice.
        await using var command = new NpgsqlCommand($"""
            with delta as ({RawHours})
            insert into ciro.usage_callers as u (bucket, bucket_start, contract, selector, sender, function_name, calls, txs)
            select 'hour', hour, contract, selector, sender, function_name, calls, txs from delta where $4
            union all
            select 'day', date_trunc('day', hour, 'UTC'), contract, selector, sender, max(function_name), sum(calls)::bigint, sum(txs)::bigint
            from delta where $5
            group by date_trunc('day', hour, 'UTC'), contract, selector, sender
            on conflict (bucket, bucket_start, contract, selector, sender) do update set
              calls = u.calls + excluded.calls, txs = u.txs + excluded.txs,
              function_name = greatest(u.function_name, excluded.function_name)
            """, connection, tx);
        AddScope(command, scope);
        command.Parameters.AddWithValue(hours);
        command.Parameters.AddWithValue(days);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Rebuilds the day rows of the day starting at <paramref name="day"/> from its hour rows.</summary>
    public static async Task RemergeDayAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset day, CancellationToken ct)
    {
        await using (var delete = new NpgsqlCommand("delete from ciro.usage_callers where bucket = 'day' and bucket_start = $1", connection, tx))
        {
            delete.Parameters.AddWithValue(day);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await using var insert = new NpgsqlCommand("""
            insert into ciro.usage_callers (bucket, bucket_start, contract, selector, sender, function_name, calls, txs)
            select 'day', $1, contract, selector, sender, max(function_name), sum(calls)::bigint, sum(txs)::bigint
            from ciro.usage_callers where bucket = 'hour' and bucket_start >= $1 and bucket_start < $2
            group by contract, selector, sender
            """, connection, tx);
        insert.Parameters.AddWithValue(day);
        insert.Parameters.AddWithValue(day + Buckets.Length(Buckets.Day));
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static void AddScope(NpgsqlCommand command, RawScope scope)
    {
        command.Parameters.AddWithValue(scope.Start);
        command.Parameters.AddWithValue(scope.End);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = (object?)scope.Blocks ?? DBNull.Value });
    }
}
