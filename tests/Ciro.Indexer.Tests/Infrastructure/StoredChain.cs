using Npgsql;

namespace Ciro.Indexer.Tests.Infrastructure;

/// <summary>Reads back what the indexer stored, and compares it with the simulator or with another database.</summary>
public static class StoredChain
{
    public static async Task<long?> CursorAsync(string connectionString, string name = "main")
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select block_number from ciro.block_cursor where name = $1", connection);
        command.Parameters.AddWithValue(name);
        try
        {
            return await command.ExecuteScalarAsync() is long n ? n : null;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null; // not migrated yet
        }
    }

    public static async Task<long?> WaitForCursorAsync(string connectionString, long atLeast, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        long? cursor = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                cursor = await CursorAsync(connectionString);
                if (cursor >= atLeast)
                {
                    return cursor;
                }
            }
            catch (NpgsqlException)
            {
                // the server may be restarting in this very test
            }
            await Task.Delay(50);
        }
        Assert.Fail($"cursor {cursor?.ToString() ?? "none"} did not reach {atLeast} within {timeout}. {diagnostics?.Invoke()}");
        return null;
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Row count and an md5 over every row of every chain table (and the cursor), in key order.</summary>
    public static async Task<Dictionary<string, string>> ChecksumsAsync(string connectionString)
    {
        var queries = new Dictionary<string, string>
        {
            ["blocks"] = "select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by block_number)), '') from ciro.blocks t",
            ["transactions"] = "select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by block_number, tx_index)), '') from ciro.transactions t",
            ["tx_calls"] = "select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by block_number, tx_index, call_index)), '') from ciro.tx_calls t",
            ["events"] = "select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by block_number, tx_index, event_index)), '') from ciro.events t",
            ["block_cursor"] = "select string_agg(name || '=' || block_number || '/' || encode(block_hash, 'hex'), ',' order by name) from ciro.block_cursor",
        };
        var result = new Dictionary<string, string>();
        foreach (var (table, sql) in queries)
        {
            result[table] = await ScalarAsync<string>(connectionString, sql);
        }
        return result;
    }

    /// <summary>Blocks from..to are stored exactly as the simulator's canonical chain has them: hashes, parents,
    /// transaction hashes in order, event counts by decoded name, and the per-block counts.</summary>
    public static async Task AssertMatchesSimulatorAsync(string connectionString, Simulator simulator, long from, long to)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var n = from; n <= to; n++)
        {
            var truth = await simulator.BlockAsync(n);
            await using (var block = new NpgsqlCommand("""
                select ciro.felt_hex(block_hash), ciro.felt_hex(parent_hash), tx_count, event_count from ciro.blocks where block_number = $1
                """, connection))
            {
                block.Parameters.AddWithValue(n);
                await using var reader = await block.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync(), $"block {n} is not stored");
                Assert.Equal(truth.Hash, reader.GetString(0));
                Assert.Equal(truth.ParentHash, reader.GetString(1));
                Assert.Equal(truth.TransactionCount, reader.GetInt32(2));
                Assert.Equal(truth.EventCount, reader.GetInt32(3));
                Assert.False(await reader.ReadAsync(), $"block {n} is stored twice");
            }
            await using (var txs = new NpgsqlCommand(
                "select ciro.felt_hex(tx_hash) from ciro.transactions where block_number = $1 order by tx_index", connection))
            {
                txs.Parameters.AddWithValue(n);
                var hashes = new List<string>();
                await using var reader = await txs.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    hashes.Add(reader.GetString(0));
                }
                Assert.Equal(truth.TransactionHashes, hashes);
            }
            await using (var events = new NpgsqlCommand(
                "select coalesce(name, '?'), count(*)::int from ciro.events where block_number = $1 group by 1", connection))
            {
                events.Parameters.AddWithValue(n);
                var byName = new Dictionary<string, int>();
                await using var reader = await events.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    // The simulator counts by the event's own name; the indexer stores a nested component's
                    // events under their variant path ("PerformanceEvent::CallSampled").
                    var name = reader.GetString(0).Split("::")[^1];
                    byName[name] = byName.GetValueOrDefault(name) + reader.GetInt32(1);
                }
                Assert.Equal(truth.EventsByName.OrderBy(p => p.Key), byName.OrderBy(p => p.Key));
            }
        }
    }

    /// <summary>Block numbers from..to all present once, nothing stored below from, each block's parent_hash the
    /// previous block's hash, and events exactly as many as the blocks declare. Rows above to are ignored: a
    /// following indexer may have committed more since the caller read its cursor.</summary>
    public static async Task AssertContiguousAsync(string connectionString, long from, long to)
    {
        var count = await ScalarAsync<long>(connectionString, $"select count(*) from ciro.blocks where block_number <= {to}");
        Assert.Equal(to - from + 1, count);
        var distinct = await ScalarAsync<long>(connectionString, $"select count(distinct block_number) from ciro.blocks where block_number between {from} and {to}");
        Assert.Equal(to - from + 1, distinct);
        var broken = await ScalarAsync<long>(connectionString, $"""
            select count(*) from ciro.blocks b join ciro.blocks p on p.block_number = b.block_number - 1
            where b.parent_hash <> p.block_hash and b.block_number <= {to}
            """);
        Assert.Equal(0, broken);
        var eventsBelow = await ScalarAsync<long>(connectionString, $"select count(*) from ciro.events where block_number < {from}");
        Assert.Equal(0, eventsBelow);
        var eventCount = await ScalarAsync<long>(connectionString, $"select count(*) from ciro.events where block_number <= {to}");
        var declared = await ScalarAsync<long>(connectionString, $"select coalesce(sum(event_count), 0) from ciro.blocks where block_number <= {to}");
        Assert.Equal(declared, eventCount);
    }
}
