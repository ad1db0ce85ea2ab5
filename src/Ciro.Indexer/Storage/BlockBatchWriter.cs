
using Ciro.Indexer.Contracts;
using Ciro.Starknet;
using Ciro.Starknet.Rpc;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Indexer.Storage;

/// <summary>
/// Writes a batch of consecutive blocks and moves the cursor in ONE transaction (binary COPY inside it), then
/// notifies "blocks N..M committed" from inside the same transaction, so listeners hear only of data that is
/// really stored. A crash at any point leaves either the whole batch or none of it.
/// </summary>
public sealed class BlockBatchWriter(NpgsqlDataSource dataSource, ContractCatalog catalog, IndexerRowFilter filter)
{
    private readonly HashSet<DateTime> _knownMonths = [];

    public async Task<BatchStats> WriteAsync(string cursorName, IReadOnlyList<BlockWithReceipts> blocks, CancellationToken ct)
    {
        if (blocks.Count == 0)
        {
            return default;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await EnsurePartitionsAsync(connection, blocks, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        var stats = new BatchStats();
        await using (var importer = await connection.BeginBinaryImportAsync("""
            copy ciro.blocks (block_number, block_hash, parent_hash, block_time, sequencer,
              l1_gas_price_fri, l1_gas_price_wei, l1_data_gas_price_fri, l1_data_gas_price_wei, l2_gas_price_fri, l2_gas_price_wei,
              tx_count, event_count, l1_gas, l1_data_gas, l2_gas, status, starknet_version) from stdin (format binary)
            """, ct))
        {
            foreach (var block in blocks)
            {
                ulong l1 = 0, l1Data = 0, l2 = 0;
                var eventCount = 0;
                foreach (var item in block.Transactions)
                {
                    l1 += item.Receipt.ExecutionResources.L1Gas;
                    l1Data += item.Receipt.ExecutionResources.L1DataGas;
                    l2 += item.Receipt.ExecutionResources.L2Gas;
                    eventCount += item.Receipt.Events.Count;
                }
                await importer.StartRowAsync(ct);
                await importer.WriteAsync((long)block.BlockNumber, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(block.BlockHash!.Value.ToBytes(), NpgsqlDbType.Bytea, ct);
                await importer.WriteAsync(block.ParentHash!.Value.ToBytes(), NpgsqlDbType.Bytea, ct);
                await importer.WriteAsync(BlockTime(block), NpgsqlDbType.TimestampTz, ct);
                await importer.WriteAsync(block.SequencerAddress.ToBytes(), NpgsqlDbType.Bytea, ct);
                foreach (var price in new[] { block.L1GasPrice, block.L1DataGasPrice, block.L2GasPrice })
                {
                    await importer.WriteAsync(price.PriceInFri.ToBigInteger(), NpgsqlDbType.Numeric, ct);
                    await importer.WriteAsync(price.PriceInWei.ToBigInteger(), NpgsqlDbType.Numeric, ct);
                }
                await importer.WriteAsync(block.Transactions.Count, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(eventCount, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync((long)l1, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync((long)l1Data, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync((long)l2, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(block.Status ?? "ACCEPTED_ON_L2", NpgsqlDbType.Text, ct);
                await WriteNullableAsync(importer, block.StarknetVersion, NpgsqlDbType.Text, ct);
            }
            await importer.CompleteAsync(ct);
        }

        await using (var txImporter = await connection.BeginBinaryImportAsync("""
            copy ciro.transactions (block_number, block_time, tx_index, tx_hash, tx_type, version, sender, fee_amount, fee_unit,
              l1_gas, l1_data_gas, l2_gas, execution_status, revert_reason, event_count) from stdin (format binary)
            """, ct))
        {
            foreach (var block in blocks)
            {
                var time = BlockTime(block);
                for (var i = 0; i < block.Transactions.Count; i++)
                {
                    var (transaction, receipt) = (block.Transactions[i].Transaction, block.Transactions[i].Receipt);
                    if (!filter.KeepTransaction(block.Transactions[i]))
                    {
                        continue;
                    }
                    stats.Transactions++;
                    await txImporter.StartRowAsync(ct);
                    await txImporter.WriteAsync((long)block.BlockNumber, NpgsqlDbType.Bigint, ct);
                    await txImporter.WriteAsync(time, NpgsqlDbType.TimestampTz, ct);
                    await txImporter.WriteAsync(i, NpgsqlDbType.Integer, ct);
                    await txImporter.WriteAsync(receipt.TransactionHash.ToBytes(), NpgsqlDbType.Bytea, ct);
                    await txImporter.WriteAsync(transaction.Type, NpgsqlDbType.Text, ct);
                    await txImporter.WriteAsync(transaction.Version, NpgsqlDbType.Text, ct);
                    await WriteNullableAsync(txImporter, transaction.SenderAddress?.ToBytes(), NpgsqlDbType.Bytea, ct);
                    await txImporter.WriteAsync(receipt.ActualFee.Amount.ToBigInteger(), NpgsqlDbType.Numeric, ct);
                    await txImporter.WriteAsync(receipt.ActualFee.Unit, NpgsqlDbType.Text, ct);
                    await txImporter.WriteAsync((long)receipt.ExecutionResources.L1Gas, NpgsqlDbType.Bigint, ct);
                    await txImporter.WriteAsync((long)receipt.ExecutionResources.L1DataGas, NpgsqlDbType.Bigint, ct);
                    await txImporter.WriteAsync((long)receipt.ExecutionResources.L2Gas, NpgsqlDbType.Bigint, ct);
                    await txImporter.WriteAsync(receipt.ExecutionStatus, NpgsqlDbType.Text, ct);
                    await WriteNullableAsync(txImporter, receipt.RevertReason, NpgsqlDbType.Text, ct);
                    await txImporter.WriteAsync(receipt.Events.Count, NpgsqlDbType.Integer, ct);
                }
            }
            await txImporter.CompleteAsync(ct);
        }

        await using (var callImporter = await connection.BeginBinaryImportAsync("""
            copy ciro.tx_calls (block_number, block_time, tx_index, call_index, call_count, contract, selector, function_name)
            from stdin (format binary)
            """, ct))
        {
            foreach (var block in blocks)
            {
                var time = BlockTime(block);
                for (var i = 0; i < block.Transactions.Count; i++)
                {
                    if (!filter.KeepTransaction(block.Transactions[i]))
                    {
                        continue;
                    }
                    var calls = filter.Calls(block.Transactions[i].Transaction);
                    for (var c = 0; c < calls.Count; c++)
                    {
                        await callImporter.StartRowAsync(ct);
                        await callImporter.WriteAsync((long)block.BlockNumber, NpgsqlDbType.Bigint, ct);
                        await callImporter.WriteAsync(time, NpgsqlDbType.TimestampTz, ct);
                        await callImporter.WriteAsync(i, NpgsqlDbType.Integer, ct);
                        await callImporter.WriteAsync(c, NpgsqlDbType.Integer, ct);
                        await callImporter.WriteAsync(calls.Count, NpgsqlDbType.Integer, ct);
                        await callImporter.WriteAsync(calls[c].To.ToBytes(), NpgsqlDbType.Bytea, ct);
                        await callImporter.WriteAsync(calls[c].Selector.ToBytes(), NpgsqlDbType.Bytea, ct);
                        await WriteNullableAsync(callImporter, catalog.FunctionName(calls[c].To, calls[c].Selector), NpgsqlDbType.Text, ct);
                    }
                }
            }
            await callImporter.CompleteAsync(ct);
        }

        await using (var eventImporter = await connection.BeginBinaryImportAsync("""
            copy ciro.events (block_number, block_time, tx_index, event_index, tx_hash, contract, selector, name, keys, data, decoded)
            from stdin (format binary)
            """, ct))
        {
            foreach (var block in blocks)
            {
                var time = BlockTime(block);
                for (var i = 0; i < block.Transactions.Count; i++)
                {
                    var receipt = block.Transactions[i].Receipt;
                    for (var e = 0; e < receipt.Events.Count; e++)
                    {
                        var ev = receipt.Events[e];
                        if (!filter.KeepEvent(ev))
                        {
                            continue;
                        }
                        stats.Events++;
                        var (name, decoded) = filter.Describe(ev);
                        await eventImporter.StartRowAsync(ct);
                        await eventImporter.WriteAsync((long)block.BlockNumber, NpgsqlDbType.Bigint, ct);
                        await eventImporter.WriteAsync(time, NpgsqlDbType.TimestampTz, ct);
                        await eventImporter.WriteAsync(i, NpgsqlDbType.Integer, ct);
                        await eventImporter.WriteAsync(e, NpgsqlDbType.Integer, ct);
                        await eventImporter.WriteAsync(receipt.TransactionHash.ToBytes(), NpgsqlDbType.Bytea, ct);
                        await eventImporter.WriteAsync(ev.FromAddress.ToBytes(), NpgsqlDbType.Bytea, ct);
                        await eventImporter.WriteAsync(ev.Keys.Count > 0 ? ev.Keys[0].ToBytes() : Felt.Zero.ToBytes(), NpgsqlDbType.Bytea, ct);
                        await WriteNullableAsync(eventImporter, name, NpgsqlDbType.Text, ct);
                        await eventImporter.WriteAsync(ToByteArrays(ev.Keys), NpgsqlDbType.Array | NpgsqlDbType.Bytea, ct);
                        await eventImporter.WriteAsync(ToByteArrays(ev.Data), NpgsqlDbType.Array | NpgsqlDbType.Bytea, ct);
                        await WriteNullableAsync(eventImporter, decoded, NpgsqlDbType.Jsonb, ct);
                    }
                }
            }
            await eventImporter.CompleteAsync(ct);
        }

        var last = blocks[^1];
        await using (var cursor = new NpgsqlCommand("""
            insert into ciro.block_cursor (name, block_number, block_hash) values ($1, $2, $3)
            on conflict (name) do update set block_number = excluded.block_number, block_hash = excluded.block_hash, updated_at = now()
            """, connection, tx))
        {
            cursor.Parameters.AddWithValue(cursorName);
            cursor.Parameters.AddWithValue((long)last.BlockNumber);
            cursor.Parameters.AddWithValue(last.BlockHash!.Value.ToBytes());
            await cursor.ExecuteNonQueryAsync(ct);
        }
        await using (var notify = new NpgsqlCommand("select pg_notify($1, $2)", connection, tx))
        {
            notify.Parameters.AddWithValue(ChainStore.BlocksChannel);
            notify.Parameters.AddWithValue($$"""{"from":{{blocks[0].BlockNumber}},"to":{{last.BlockNumber}},"headTime":"{{BlockTime(last):O}}"}""");
            await notify.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        stats.Blocks = blocks.Count;
        return stats;
    }

    public static DateTime BlockTime(BlockHeader block) => DateTimeOffset.FromUnixTimeSeconds((long)block.Timestamp).UtcDateTime;

    /// <summary>Native partitions must exist before COPY; months already seen by this process are skipped.</summary>
    private async Task EnsurePartitionsAsync(NpgsqlConnection connection, IReadOnlyList<BlockWithReceipts> blocks, CancellationToken ct)
    {
        var from = MonthOf(BlockTime(blocks[0]));
        var to = MonthOf(BlockTime(blocks[^1]));
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

    private static byte[][] ToByteArrays(IReadOnlyList<Felt> felts)
    {
        var result = new byte[felts.Count][];
        for (var i = 0; i < felts.Count; i++)
        {
            result[i] = felts[i].ToBytes();
        }
        return result;
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, type, ct);
}

public struct BatchStats
{
    public int Blocks;
    public int Transactions;
    public int Events;
}
