using Ciro.Indexer.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Indexer.Storage;

/// <summary>
/// Writes a batch of consecutive blocks and moves the cursor in ONE transaction (binary COPY inside it), then
/// notifies "blocks N..M committed" from inside the same transaction, so listeners hear only of data that is
/// really stored. A crash at any point leaves either the whole batch or none of it.
/// Not thread-safe: one writer per process (the lease holder) uses it.
/// </summary>
public sealed class BlockBatchWriter(NpgsqlDataSource dataSource, ContractCatalog catalog)
{
    /// <summary>"host/pid" of this process, stored with the cursor.</summary>
    public static readonly string WriterIdentity = $"{Environment.MachineName}/{Environment.ProcessId}";

    private readonly HashSet<DateTime> _knownMonths = [];
    private readonly RowCopier _copier = new();

    public async Task<BatchStats> WriteAsync(string cursorName, BatchRows rows, CancellationToken ct)
    {
        if (rows.Blocks.Count == 0)
        {
            return default;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await EnsurePartitionsAsync(connection, rows, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        // The importers are synchronous (see RowCopier); cancellation is honoured between tables.
        _copier.CopyBlocks(connection, rows);
        ct.ThrowIfCancellationRequested();
        _copier.CopyTransactions(connection, rows);
        _copier.CopyCalls(connection, rows, catalog.FunctionName);
        ct.ThrowIfCancellationRequested();
        _copier.CopyEvents(connection, rows);

        var last = rows.Blocks[^1];
        await using (var cursor = new NpgsqlCommand("""
            insert into ciro.block_cursor (name, block_number, block_hash, writer) values ($1, $2, $3, $4)
            on conflict (name) do update set block_number = excluded.block_number, block_hash = excluded.block_hash,
              writer = excluded.writer, updated_at = now()
            """, connection, tx))
        {
            cursor.Parameters.AddWithValue(cursorName);
            cursor.Parameters.AddWithValue((long)last.BlockNumber);
            cursor.Parameters.AddWithValue(last.BlockHash!.Value.ToBytes());
            cursor.Parameters.AddWithValue(WriterIdentity);
            await cursor.ExecuteNonQueryAsync(ct);
        }
        await using (var notify = new NpgsqlCommand("select pg_notify($1, $2)", connection, tx))
        {
            notify.Parameters.AddWithValue(ChainStore.BlocksChannel);
            notify.Parameters.AddWithValue($$"""{"from":{{rows.From}},"to":{{rows.To}},"headTime":"{{rows.Sums[^1].Time:O}}"}""");
            await notify.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return new BatchStats { Blocks = rows.Blocks.Count, Transactions = rows.Transactions.Count, Events = rows.Events.Count, Calls = rows.CallCount };
    }

    /// <summary>Native partitions must exist before COPY; months already seen by this process are skipped.</summary>
    private async Task EnsurePartitionsAsync(NpgsqlConnection connection, BatchRows rows, CancellationToken ct)
    {
        var from = MonthOf(rows.Sums[0].Time);
        var to = MonthOf(rows.Sums[^1].Time);
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
