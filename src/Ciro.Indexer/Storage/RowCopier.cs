using Ciro.Starknet;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Indexer.Storage;

/// <summary>
/// Binary COPY of a prepared batch into the four chain tables. The writes are synchronous: the importer copies
/// each value into its buffer before returning, so felts go through reused scratch arrays instead of one new
/// 32-byte array per felt (a 1M-event backfill has ~10M felts), and no async state machine runs per column.
/// </summary>
internal sealed class RowCopier
{
    private readonly byte[][] _scratch = [new byte[32], new byte[32], new byte[32], new byte[32]];
    private readonly Dictionary<int, byte[][]> _arrays = [];

    public void CopyBlocks(NpgsqlConnection connection, BatchRows rows)
    {
        using var importer = connection.BeginBinaryImport("""
            copy ciro.blocks (block_number, block_hash, parent_hash, block_time, sequencer,
              l1_gas_price_fri, l1_gas_price_wei, l1_data_gas_price_fri, l1_data_gas_price_wei, l2_gas_price_fri, l2_gas_price_wei,
              tx_count, event_count, l1_gas, l1_data_gas, l2_gas, status, starknet_version) from stdin (format binary)
            """);
        for (var b = 0; b < rows.Blocks.Count; b++)
        {
            var block = rows.Blocks[b];
            var sums = rows.Sums[b];
            importer.StartRow();
            importer.Write((long)block.BlockNumber, NpgsqlDbType.Bigint);
            importer.Write(Bytes(block.BlockHash!.Value, 0), NpgsqlDbType.Bytea);
            importer.Write(Bytes(block.ParentHash!.Value, 1), NpgsqlDbType.Bytea);
            importer.Write(sums.Time, NpgsqlDbType.TimestampTz);
            importer.Write(Bytes(block.SequencerAddress, 2), NpgsqlDbType.Bytea);
            WriteNumeric(importer, block.L1GasPrice.PriceInFri);
            WriteNumeric(importer, block.L1GasPrice.PriceInWei);
            WriteNumeric(importer, block.L1DataGasPrice.PriceInFri);
            WriteNumeric(importer, block.L1DataGasPrice.PriceInWei);
            WriteNumeric(importer, block.L2GasPrice.PriceInFri);
            WriteNumeric(importer, block.L2GasPrice.PriceInWei);
            importer.Write(block.Transactions.Count, NpgsqlDbType.Integer);
            importer.Write(sums.EventCount, NpgsqlDbType.Integer);
            importer.Write((long)sums.L1Gas, NpgsqlDbType.Bigint);
            importer.Write((long)sums.L1DataGas, NpgsqlDbType.Bigint);
            importer.Write((long)sums.L2Gas, NpgsqlDbType.Bigint);
            importer.Write(block.Status ?? "ACCEPTED_ON_L2", NpgsqlDbType.Text);
            WriteText(importer, block.StarknetVersion);
        }
        importer.Complete();
    }

    public void CopyTransactions(NpgsqlConnection connection, BatchRows rows)
    {
        using var importer = connection.BeginBinaryImport("""
            copy ciro.transactions (block_number, block_time, tx_index, tx_hash, tx_type, version, sender, fee_amount, fee_unit,
              l1_gas, l1_data_gas, l2_gas, execution_status, revert_reason, event_count) from stdin (format binary)
            """);
        foreach (var row in rows.Transactions)
        {
            var (transaction, receipt) = (row.Item.Transaction, row.Item.Receipt);
            importer.StartRow();
            importer.Write((long)row.BlockNumber, NpgsqlDbType.Bigint);
            importer.Write(row.Time, NpgsqlDbType.TimestampTz);
            importer.Write(row.Index, NpgsqlDbType.Integer);
            importer.Write(Bytes(receipt.TransactionHash, 0), NpgsqlDbType.Bytea);
            importer.Write(transaction.Type, NpgsqlDbType.Text);
            importer.Write(transaction.Version, NpgsqlDbType.Text);
            if (transaction.SenderAddress is { } sender)
            {
                importer.Write(Bytes(sender, 1), NpgsqlDbType.Bytea);
            }
            else
            {
                importer.WriteNull();
            }
            WriteNumeric(importer, receipt.ActualFee.Amount);
            importer.Write(receipt.ActualFee.Unit, NpgsqlDbType.Text);
            importer.Write((long)receipt.ExecutionResources.L1Gas, NpgsqlDbType.Bigint);
            importer.Write((long)receipt.ExecutionResources.L1DataGas, NpgsqlDbType.Bigint);
            importer.Write((long)receipt.ExecutionResources.L2Gas, NpgsqlDbType.Bigint);
            importer.Write(receipt.ExecutionStatus, NpgsqlDbType.Text);
            WriteText(importer, receipt.RevertReason);
            importer.Write(receipt.Events.Count, NpgsqlDbType.Integer);
        }
        importer.Complete();
    }

    public void CopyCalls(NpgsqlConnection connection, BatchRows rows, Func<Felt, Felt, string?> functionName)
    {
        using var importer = connection.BeginBinaryImport("""
            copy ciro.tx_calls (block_number, block_time, tx_index, call_index, call_count, contract, selector, function_name)
            from stdin (format binary)
            """);
        foreach (var row in rows.Transactions)
        {
            for (var c = 0; c < row.Calls.Count; c++)
            {
                var call = row.Calls[c];
                importer.StartRow();
                importer.Write((long)row.BlockNumber, NpgsqlDbType.Bigint);
                importer.Write(row.Time, NpgsqlDbType.TimestampTz);
                importer.Write(row.Index, NpgsqlDbType.Integer);
                importer.Write(c, NpgsqlDbType.Integer);
                importer.Write(row.Calls.Count, NpgsqlDbType.Integer);
                importer.Write(Bytes(call.To, 0), NpgsqlDbType.Bytea);
                importer.Write(Bytes(call.Selector, 1), NpgsqlDbType.Bytea);
                WriteText(importer, functionName(call.To, call.Selector));
            }
        }
        importer.Complete();
    }

    public void CopyEvents(NpgsqlConnection connection, BatchRows rows)
    {
        using var importer = connection.BeginBinaryImport("""
            copy ciro.events (block_number, block_time, tx_index, event_index, tx_hash, contract, selector, name, keys, data, decoded)
            from stdin (format binary)
            """);
        foreach (var row in rows.Events)
        {
            var ev = row.Event;
            importer.StartRow();
            importer.Write((long)row.BlockNumber, NpgsqlDbType.Bigint);
            importer.Write(row.Time, NpgsqlDbType.TimestampTz);
            importer.Write(row.TxIndex, NpgsqlDbType.Integer);
            importer.Write(row.EventIndex, NpgsqlDbType.Integer);
            importer.Write(Bytes(row.TxHash, 0), NpgsqlDbType.Bytea);
            importer.Write(Bytes(ev.FromAddress, 1), NpgsqlDbType.Bytea);
            importer.Write(Bytes(ev.Keys.Count > 0 ? ev.Keys[0] : Felt.Zero, 2), NpgsqlDbType.Bytea);
            WriteText(importer, row.Name);
            importer.Write(Array(ev.Keys), NpgsqlDbType.Array | NpgsqlDbType.Bytea);
            importer.Write(Array(ev.Data), NpgsqlDbType.Array | NpgsqlDbType.Bytea);
            if (row.Decoded is null)
            {
                importer.WriteNull();
            }
            else
            {
                importer.Write(row.Decoded, NpgsqlDbType.Jsonb);
            }
        }
        importer.Complete();
    }

    private byte[] Bytes(Felt felt, int slot)
    {
        var buffer = _scratch[slot];
        felt.WriteBytes(buffer);
        return buffer;
    }

    /// <summary>A reused byte[][] of exactly felts.Count reused 32-byte elements (Npgsql writes whole arrays).</summary>
    private byte[][] Array(IReadOnlyList<Felt> felts)
    {
        if (!_arrays.TryGetValue(felts.Count, out var array))
        {
            array = new byte[felts.Count][];
            for (var i = 0; i < array.Length; i++)
            {
                array[i] = new byte[32];
            }
            _arrays[felts.Count] = array;
        }
        for (var i = 0; i < felts.Count; i++)
        {
            felts[i].WriteBytes(array[i]);
        }
        return array;
    }

    private static readonly UInt128 DecimalLimit = (UInt128)1 << 96;

    /// <summary>Fees and prices fit a decimal (96 bits) in practice, which Npgsql writes without a BigInteger.</summary>
    private static void WriteNumeric(NpgsqlBinaryImporter importer, Felt value)
    {
        if (value.High == 0 && value.Low < DecimalLimit)
        {
            var low = value.Low;
            importer.Write(new decimal((int)(uint)low, (int)(uint)(low >> 32), (int)(uint)(low >> 64), false, 0), NpgsqlDbType.Numeric);
        }
        else
        {
            importer.Write(value.ToBigInteger(), NpgsqlDbType.Numeric);
        }
    }

    private static void WriteText(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, NpgsqlDbType.Text);
        }
    }
}
