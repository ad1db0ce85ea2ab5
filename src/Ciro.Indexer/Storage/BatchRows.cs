using System.Text.Json;
using Ciro.Starknet;
using Ciro.Starknet.Abi;
using Ciro.Starknet.Rpc;

namespace Ciro.Indexer.Storage;

/// <summary>
/// A batch of blocks turned into the rows the four tables receive: filtered, multicalls split, events decoded,
/// and already encoded as binary COPY streams (<see cref="CopyBuffer"/>). Built off the database connection (in
/// the fetch stage of the pipeline) so all of this CPU work overlaps the previous batch's COPY; the writer then
/// only streams bytes. Dispose after writing to return the buffers to the pool.
/// </summary>
public sealed class BatchRows : IDisposable
{
    public required IReadOnlyList<BlockWithReceipts> Blocks { get; init; }

    /// <summary>Block times (UTC), one per block: partitions are created from the first and last.</summary>
    public required DateTime[] Times { get; init; }

    public required CopyBuffer BlockRows { get; init; }
    public required CopyBuffer TransactionRows { get; init; }
    public required CopyBuffer CallRows { get; init; }
    public required CopyBuffer EventRows { get; init; }

    public int TransactionCount => TransactionRows.Rows;
    public int EventCount => EventRows.Rows;
    public int CallCount => CallRows.Rows;

    public ulong From => Blocks[0].BlockNumber;
    public ulong To => Blocks[^1].BlockNumber;

    public static BatchRows Prepare(IReadOnlyList<BlockWithReceipts> blocks, IndexerRowFilter filter)
    {
        var times = new DateTime[blocks.Count];
        var eventEstimate = 0;
        var txEstimate = 0;
        foreach (var block in blocks)
        {
            txEstimate += block.Transactions.Count;
            foreach (var item in block.Transactions)
            {
                eventEstimate += item.Receipt.Events.Count;
            }
        }
        var blockRows = new CopyBuffer(blocks.Count * 400 + 64);
        var transactionRows = new CopyBuffer(txEstimate * 260 + 64);
        var callRows = new CopyBuffer(txEstimate * 160 + 64);
        var eventRows = new CopyBuffer(eventEstimate * 700 + 64);
        using var json = new Utf8JsonWriter(eventRows);
        foreach (var block in blocks)
        {
            BlockShape.Check(block);
        }
        for (var b = 0; b < blocks.Count; b++)
        {
            var block = blocks[b];
            var unixTime = (long)block.Timestamp;
            times[b] = BlockTime(block);
            ulong l1 = 0, l1Data = 0, l2 = 0;
            var eventCount = 0;
            for (var i = 0; i < block.Transactions.Count; i++)
            {
                var item = block.Transactions[i];
                var receipt = item.Receipt;
                l1 += receipt.ExecutionResources.L1Gas;
                l1Data += receipt.ExecutionResources.L1DataGas;
                l2 += receipt.ExecutionResources.L2Gas;
                eventCount += receipt.Events.Count;
                var calls = filter.Calls(item.Transaction);
                if (filter.KeepTransaction(item, calls, block.BlockNumber))
                {
                    TransactionRow(transactionRows, block.BlockNumber, unixTime, i, item);
                    for (var c = 0; c < calls.Count; c++)
                    {
                        CallRow(callRows, block.BlockNumber, unixTime, i, c, calls.Count, calls[c], filter);
                    }
                }
                for (var e = 0; e < receipt.Events.Count; e++)
                {
                    var ev = receipt.Events[e];
                    if (filter.KeepEvent(ev, block.BlockNumber))
                    {
                        EventRow(eventRows, json, block.BlockNumber, unixTime, i, e, receipt.TransactionHash, ev, filter.Decode(ev));
                    }
                }
            }
            BlockRow(blockRows, block, unixTime, l1, l1Data, l2, eventCount);
        }
        blockRows.Complete();
        transactionRows.Complete();
        callRows.Complete();
        eventRows.Complete();
        return new BatchRows
        {
            Blocks = blocks, Times = times,
            BlockRows = blockRows, TransactionRows = transactionRows, CallRows = callRows, EventRows = eventRows,
        };
    }

    // Column lists: the COPY statements in BlockBatchWriter name the same columns in the same order.

    private static void BlockRow(CopyBuffer rows, BlockWithReceipts block, long unixTime, ulong l1, ulong l1Data, ulong l2, int eventCount)
    {
        rows.StartRow(18);
        rows.Int8((long)block.BlockNumber);
        rows.Bytea(block.BlockHash!.Value);
        rows.Bytea(block.ParentHash!.Value);
        rows.TimestampFromUnixSeconds(unixTime);
        rows.Bytea(block.SequencerAddress);
        rows.Numeric(block.L1GasPrice.PriceInFri);
        rows.Numeric(block.L1GasPrice.PriceInWei);
        // Older headers lack these prices: NULL says "the node did not say", a zero would be a made-up price.
        Price(rows, block.L1DataGasPrice);
        Price(rows, block.L2GasPrice);
        rows.Int4(block.Transactions.Count);
        rows.Int4(eventCount);
        rows.Int8((long)l1);
        rows.Int8((long)l1Data);
        rows.Int8((long)l2);
        rows.Text(block.Status ?? "ACCEPTED_ON_L2");
        rows.Text(block.StarknetVersion);
    }

    private static void Price(CopyBuffer rows, ResourcePrice? price)
    {
        if (price is null)
        {
            rows.Null();
            rows.Null();
            return;
        }
        rows.Numeric(price.PriceInFri);
        rows.Numeric(price.PriceInWei);
    }

    private static void TransactionRow(CopyBuffer rows, ulong blockNumber, long unixTime, int index, TransactionWithReceipt item)
    {
        var (transaction, receipt) = (item.Transaction, item.Receipt);
        rows.StartRow(15);
        rows.Int8((long)blockNumber);
        rows.TimestampFromUnixSeconds(unixTime);
        rows.Int4(index);
        rows.Bytea(receipt.TransactionHash);
        rows.Text(transaction.Type);
        rows.Text(transaction.Version);
        if (transaction.SenderAddress is { } sender)
        {
            rows.Bytea(sender);
        }
        else
        {
            rows.Null();
        }
        rows.Numeric(receipt.ActualFee.Amount);
        rows.Text(receipt.ActualFee.Unit);
        rows.Int8((long)receipt.ExecutionResources.L1Gas);
        rows.Int8((long)receipt.ExecutionResources.L1DataGas);
        rows.Int8((long)receipt.ExecutionResources.L2Gas);
        rows.Text(receipt.ExecutionStatus);
        rows.Text(receipt.RevertReason);
        rows.Int4(receipt.Events.Count);
    }

    private static void CallRow(CopyBuffer rows, ulong blockNumber, long unixTime, int txIndex, int callIndex, int callCount,
        Starknet.Calldata.ContractCall call, IndexerRowFilter filter)
    {
        rows.StartRow(8);
        rows.Int8((long)blockNumber);
        rows.TimestampFromUnixSeconds(unixTime);
        rows.Int4(txIndex);
        rows.Int4(callIndex);
        rows.Int4(callCount);
        rows.Bytea(call.To);
        rows.Bytea(call.Selector);
        rows.Text(filter.FunctionName(call.To, call.Selector));
    }

    private static void EventRow(CopyBuffer rows, Utf8JsonWriter json, ulong blockNumber, long unixTime, int txIndex, int eventIndex,
        Felt txHash, Event ev, DecodedEvent? decoded)
    {
        rows.StartRow(11);
        rows.Int8((long)blockNumber);
        rows.TimestampFromUnixSeconds(unixTime);
        rows.Int4(txIndex);
        rows.Int4(eventIndex);
        rows.Bytea(txHash);
        rows.Bytea(ev.FromAddress);
        rows.Bytea(ev.Keys.Count > 0 ? ev.Keys[0] : Felt.Zero);
        rows.Text(decoded?.Name);
        rows.ByteaArray(ev.Keys);
        rows.ByteaArray(ev.Data);
        if (decoded is null)
        {
            rows.Null();
        }
        else
        {
            // The decoded fields go straight into the jsonb field as UTF-8: no string per event.
            var start = rows.StartJsonb();
            json.Reset(rows);
            CairoJson.WriteEventPayload(json, decoded);
            json.Flush();
            rows.EndJsonb(start);
        }
    }

    public static DateTime BlockTime(BlockHeader block) => DateTimeOffset.FromUnixTimeSeconds((long)block.Timestamp).UtcDateTime;

    public void Dispose()
    {
        BlockRows.Dispose();
        TransactionRows.Dispose();
        CallRows.Dispose();
        EventRows.Dispose();
    }
}
