using System.Diagnostics;
using Ciro.Messages;
using Ciro.Starknet;
using Ciro.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Indexer.Storage;

/// <summary>
/// Writes a batch of consecutive blocks and moves the cursor in ONE transaction (binary COPY inside it), then
/// notifies "blocks N..M committed" from inside the same transaction, so listeners hear only of data that is
/// really stored. A crash at any point leaves either the whole batch or none of it.
/// Not thread-safe: one writer per process (the lease holder) uses it.
/// </summary>
public sealed class BlockBatchWriter(NpgsqlDataSource dataSource)
{
    /// <summary>"host/pid" of this process, stored with the cursor.</summary>
    public static readonly string WriterIdentity = $"{Environment.MachineName}/{Environment.ProcessId}";

    private readonly HashSet<DateTime> _knownMonths = [];

    // The columns, in the order BatchRows encodes them.
    private const string BlocksCopy = """
        copy ciro.blocks (block_number, block_hash, parent_hash, block_time, sequencer,
          l1_gas_price_fri, l1_gas_price_wei, l1_data_gas_price_fri, l1_data_gas_price_wei, l2_gas_price_fri, l2_gas_price_wei,
          tx_count, event_count, l1_gas, l1_data_gas, l2_gas, status, starknet_version) from stdin (format binary)
        """;
    private const string TransactionsCopy = """
        copy ciro.transactions (block_number, block_time, tx_index, tx_hash, tx_type, version, sender, fee_amount, fee_unit,
          l1_gas, l1_data_gas, l2_gas, execution_status, revert_reason, event_count, l2_gas_max_amount, l1_data_gas_max_amount)
        from stdin (format binary)
        """;
    private const string CallsCopy = """
        copy ciro.tx_calls (block_number, block_time, tx_index, call_index, call_count, contract, selector, function_name)
        from stdin (format binary)
        """;
    private const string EventsCopy = """
        copy ciro.events (block_number, block_time, tx_index, event_index, tx_hash, contract, selector, name, keys, data, decoded)
        from stdin (format binary)
        """;

    private const string CallTracesCopy = """
        copy ciro.call_traces (block_number, block_time, tx_index, call_id, parent_id, depth, phase, contract, caller, class_hash,
          selector, function_name, entry_point_type, call_type, calldata_len, calldata_small_felts, l1_gas, l2_gas, steps, event_count, event_key_felts,
          event_data_felts, message_count, reverted, revert_reason) from stdin (format binary)
        """;
    private const string StateDiffsCopy = """
        copy ciro.tx_state_diffs (block_number, block_time, tx_index, tx_hash, storage_keys, storage_contracts, nonce_updates,
          contracts_touched, class_changes, declared_classes, l1_data_gas, l2_gas) from stdin (format binary)
        """;

    private const string StorageWritesCopy = """
        copy ciro.tx_storage_writes (block_number, block_time, tx_index, contract, storage_keys, value_bits) from stdin (format binary)
        """;

    /// <summary>Time spent in the COPYs and in cursor + notify + commit, for the backfill's time breakdown.</summary>
    public TimeSpan CopyTime { get; private set; }
    public TimeSpan CommitTime { get; private set; }

    /// <param name="identity">Recorded with the rows when this is the database's first block (the anchor), so a
    /// database never holds blocks without knowing which chain they belong to.</param>
    public async Task<BatchStats> WriteAsync(string cursorName, BatchRows rows, ChainIdentity? identity, CancellationToken ct)
    {
        if (rows.Blocks.Count == 0)
        {
            return default;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await EnsurePartitionsAsync(connection, rows, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        // The rows are already encoded (BatchRows.Prepare): each COPY only streams them; cancellation is
        // honoured between tables.
        var copyStarted = Stopwatch.GetTimestamp();
        await CopyAsync(connection, BlocksCopy, rows.BlockRows, ct);
        await CopyAsync(connection, TransactionsCopy, rows.TransactionRows, ct);
        if (rows.CallCount > 0)
        {
            await CopyAsync(connection, CallsCopy, rows.CallRows, ct);
        }
        if (rows.EventCount > 0)
        {
            await CopyAsync(connection, EventsCopy, rows.EventRows, ct);
        }
        if (rows.CallTraceCount > 0)
        {
            await CopyAsync(connection, CallTracesCopy, rows.CallTraceRows, ct);
        }
        if (rows.StateDiffCount > 0)
        {
            await CopyAsync(connection, StateDiffsCopy, rows.StateDiffRows, ct);
        }
        if (rows.StorageWriteRows.Rows > 0)
        {
            await CopyAsync(connection, StorageWritesCopy, rows.StorageWriteRows, ct);
        }
        await WriteClassesAsync(connection, tx, rows, ct);
        var commitStarted = Stopwatch.GetTimestamp();
        CopyTime += Stopwatch.GetElapsedTime(copyStarted, commitStarted);

        if (identity is not null)
        {
            await ChainStore.RecordIdentityAsync(connection, tx, identity, ct);
        }
        var last = rows.Blocks[^1];
        await MoveCursorAsync(connection, tx, cursorName, last.BlockNumber, last.BlockHash!.Value, ct);
        // One small message per batch, serialised once: ~1 µs measured, against milliseconds for the commit.
        await connection.NotifyAsync(tx, new BlocksCommitted((long)rows.From, (long)rows.To, rows.Times[^1]), ct);
        await tx.CommitAsync(ct);
        CommitTime += Stopwatch.GetElapsedTime(commitStarted);
        return new BatchStats { Blocks = rows.Blocks.Count, Transactions = rows.TransactionCount, Events = rows.EventCount, Calls = rows.CallCount };
    }

    /// <summary>The cursor upsert (with this writer's host/pid), inside the caller's transaction.</summary>
    public static async Task MoveCursorAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string cursorName, ulong blockNumber, Felt blockHash, CancellationToken ct)
    {
        await using var cursor = new NpgsqlCommand("""
            insert into ciro.block_cursor (name, block_number, block_hash, writer) values ($1, $2, $3, $4)
            on conflict (name) do update set block_number = excluded.block_number, block_hash = excluded.block_hash,
              writer = excluded.writer, updated_at = now()
            """, connection, tx);
        cursor.Parameters.AddWithValue(cursorName);
        cursor.Parameters.AddWithValue((long)blockNumber);
        cursor.Parameters.AddWithValue(blockHash.ToBytes());
        cursor.Parameters.AddWithValue(WriterIdentity);
        await cursor.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Class changes are rare (a handful per contract's lifetime): plain inserts in the batch's transaction.</summary>
    private static async Task WriteClassesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, BatchRows rows, CancellationToken ct)
    {
        foreach (var c in rows.Classes)
        {
            await using var insert = new NpgsqlCommand("""
                insert into ciro.classes (class_hash, sierra_version, compiler_version, contract_class_version, first_block)
                values ($1, $2, $3, $4, $5) on conflict (class_hash) do nothing
                """, connection, tx);
            insert.Parameters.AddWithValue(c.ClassHash.ToBytes());
            insert.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)c.SierraVersion ?? DBNull.Value);
            insert.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)c.CompilerVersion ?? DBNull.Value);
            insert.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)c.ContractClassVersion ?? DBNull.Value);
            insert.Parameters.AddWithValue((long)c.FirstBlock);
            await insert.ExecuteNonQueryAsync(ct);
        }
        foreach (var c in rows.ClassChanges)
        {
            // Two changes of one contract in one block: the later one is the class it ends the block with.
            await using var insert = new NpgsqlCommand("""
                insert into ciro.contract_classes (block_number, block_time, contract, class_hash, change) values ($1, $2, $3, $4, $5)
                on conflict (block_number, contract) do update set class_hash = excluded.class_hash, change = excluded.change
                """, connection, tx);
            insert.Parameters.AddWithValue((long)c.BlockNumber);
            insert.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, c.BlockTime);
            insert.Parameters.AddWithValue(c.Contract.ToBytes());
            insert.Parameters.AddWithValue(c.ClassHash.ToBytes());
            insert.Parameters.AddWithValue(c.Change);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string command, CopyBuffer rows, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        await using var copy = await connection.BeginRawBinaryCopyAsync(command, ct);
        await copy.WriteAsync(rows.Array.AsMemory(0, rows.Length), ct);
    }

    /// <summary>Native partitions must exist before COPY; months already seen by this process are skipped.</summary>
    private async Task EnsurePartitionsAsync(NpgsqlConnection connection, BatchRows rows, CancellationToken ct)
    {
        var from = MonthOf(rows.Times[0]);
        var to = MonthOf(rows.Times[^1]);
        if (_knownMonths.Contains(from) && _knownMonths.Contains(to))
        {
            return;
        }
        await using var command = new NpgsqlCommand("select ciro.ensure_partitions($1, $2)", connection);
        command.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, from);
        command.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, to);
        await command.ExecuteNonQueryAsync(ct);
        for (var month = from; month <= to; month = month.AddMonths(1))
        {
            _knownMonths.Add(month);
        }
    }

    private static DateTime MonthOf(DateTime time) => new(time.Year, time.Month, 1, 0, 0, 0, DateTimeKind.Utc);
}

public struct BatchStats
{
    public int Blocks;
    public int Transactions;
    public int Events;
    public int Calls;
}
