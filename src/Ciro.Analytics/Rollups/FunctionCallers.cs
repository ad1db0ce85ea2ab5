using Npgsql;

namespace Ciro.Analytics.Rollups;

/// <summary>
/// Keeps <c>ciro.function_callers</c> — the first call of each (contract, selector, sender) — in step with the rolled-up
/// hours: the reconciler folds every hour it recomputes, in that hour's transaction, so the table answers exactly for
/// the blocks in the ledger. Folding an hour is exact whatever changed in it (new blocks, a reorg, a reindex):
/// a caller whose first call was in the hour and who no longer calls there is removed and given its first call after
/// the hour (if any); every caller of the hour gets the hour's first call unless it called earlier. Hours are folded
/// oldest first, so after a reorg (a suffix of the chain) each later hour sees the earlier ones settled. New blocks
/// of an hour already in the ledger are folded alone (<see cref="FoldBlocksAsync"/>): adding calls can only move a
/// first call earlier.
/// </summary>
public static class FunctionCallers
{
    private const string HourCalls = """
        select c.contract, c.selector, t.sender, min(c.block_time) as first_seen
        from ciro.tx_calls c
        join ciro.transactions t on t.block_number = c.block_number and t.tx_index = c.tx_index and t.block_time = c.block_time
        where c.block_time >= $1 and c.block_time < $2 and t.block_time >= $1 and t.block_time < $2 and t.sender is not null
        group by c.contract, c.selector, t.sender
        """;

    public static async Task FoldHoursAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        // 1. First calls recorded in these hours that the hours no longer hold (their block was replaced or deleted).
        var gone = (Contracts: new List<byte[]>(), Selectors: new List<byte[]>(), Senders: new List<byte[]>());
        await using (var delete = new NpgsqlCommand($"""
            with hour_calls as ({HourCalls})
            delete from ciro.function_callers f
            where f.first_seen >= $1 and f.first_seen < $2
              and not exists (select 1 from hour_calls h where h.contract = f.contract and h.selector = f.selector and h.sender = f.sender)
            returning f.contract, f.selector, f.sender
            """, connection, tx))
        {
            delete.Parameters.AddWithValue(start);
            delete.Parameters.AddWithValue(end);
            await using var reader = await delete.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                gone.Contracts.Add(reader.GetFieldValue<byte[]>(0));
                gone.Selectors.Add(reader.GetFieldValue<byte[]>(1));
                gone.Senders.Add(reader.GetFieldValue<byte[]>(2));
            }
        }

        // 2. Every caller of these hours: its first call here, unless it called before them. A first call recorded
        //    inside the hours is replaced (it is recomputed from what the hours hold now).
        await using (var upsert = new NpgsqlCommand($"""
            insert into ciro.function_callers as f (contract, selector, sender, first_seen)
            select contract, selector, sender, first_seen from ({HourCalls}) h
            on conflict (contract, selector, sender) do update set first_seen =
              case when f.first_seen >= $1 and f.first_seen < $2 then excluded.first_seen else least(f.first_seen, excluded.first_seen) end
            """, connection, tx))
        {
            upsert.Parameters.AddWithValue(start);
            upsert.Parameters.AddWithValue(end);
            await upsert.ExecuteNonQueryAsync(ct);
        }

        // 3. The callers removed in step 1 that call again later: their first call is now the next one.
        if (gone.Contracts.Count > 0)
        {
            await using var later = new NpgsqlCommand("""
                insert into ciro.function_callers (contract, selector, sender, first_seen)
                select g.contract, g.selector, g.sender, m.first_seen
                from unnest($1::bytea[], $2::bytea[], $3::bytea[]) as g(contract, selector, sender)
                cross join lateral (
                  select min(c.block_time) as first_seen
                  from ciro.tx_calls c
                  join ciro.transactions t on t.block_number = c.block_number and t.tx_index = c.tx_index and t.block_time = c.block_time
                  where c.contract = g.contract and c.selector = g.selector and t.sender = g.sender and c.block_time >= $4 and t.block_time >= $4) m
                where m.first_seen is not null
                on conflict (contract, selector, sender) do update set first_seen = least(ciro.function_callers.first_seen, excluded.first_seen)
                """, connection, tx);
            later.Parameters.AddWithValue(gone.Contracts.ToArray());
            later.Parameters.AddWithValue(gone.Selectors.ToArray());
            later.Parameters.AddWithValue(gone.Senders.ToArray());
            later.Parameters.AddWithValue(end);
            await later.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The first call of each caller in the blocks of <paramref name="scope"/>, unless it called earlier.
    /// A row is only rewritten when its first call moves (no dead tuple per caller per block).</summary>
    public static async Task FoldBlocksAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RawScope scope, CancellationToken ct)
    {
        await using var upsert = new NpgsqlCommand($"""
            insert into ciro.function_callers as f (contract, selector, sender, first_seen)
            select c.contract, c.selector, t.sender, min(c.block_time)
            from ciro.tx_calls c
            join ciro.transactions t on t.block_number = c.block_number and t.tx_index = c.tx_index and t.block_time = c.block_time
            where c.block_time >= $1 and c.block_time < $2 and t.block_time >= $1 and t.block_time < $2
              and {RawScope.InBlocks("c")} and {RawScope.InBlocks("t")} and t.sender is not null
            group by c.contract, c.selector, t.sender
            on conflict (contract, selector, sender) do update set first_seen = excluded.first_seen
              where excluded.first_seen < f.first_seen
            """, connection, tx);
        upsert.Parameters.AddWithValue(scope.Start);
        upsert.Parameters.AddWithValue(scope.End);
        upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)scope.Blocks ?? DBNull.Value });
        await upsert.ExecuteNonQueryAsync(ct);
    }
}
