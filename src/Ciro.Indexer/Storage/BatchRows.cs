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

    /// <summary>The traces the rows were built from (null without), kept so a cut batch can be prepared again.</summary>
    public IReadOnlyList<IReadOnlyList<BlockTransactionTrace>>? Traces { get; init; }

    /// <summary>ciro.call_traces and ciro.tx_state_diffs rows: empty when the batch came without traces.</summary>
    public required CopyBuffer CallTraceRows { get; init; }
    public required CopyBuffer StateDiffRows { get; init; }
    public required CopyBuffer StorageWriteRows { get; init; }

    /// <summary>Deployments and class replacements of kept contracts in these blocks, and the classes first seen
    /// in them (empty when class tracking is off).</summary>
    public IReadOnlyList<ClassChangeRow> ClassChanges { get; set; } = [];
    public IReadOnlyList<ClassRow> Classes { get; set; } = [];

    public int TransactionCount => TransactionRows.Rows;
    public int EventCount => EventRows.Rows;
    public int CallCount => CallRows.Rows;
    public int CallTraceCount => CallTraceRows.Rows;
    public int StateDiffCount => StateDiffRows.Rows;

    public ulong From => Blocks[0].BlockNumber;
    public ulong To => Blocks[^1].BlockNumber;

    /// <param name="traces">Each block's starknet_traceBlockTransactions answer, or null when the batch has none.</param>
    public static BatchRows Prepare(IReadOnlyList<BlockWithReceipts> blocks, IndexerRowFilter filter,
        IReadOnlyList<IReadOnlyList<BlockTransactionTrace>>? traces = null)
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
        var callTraceRows = new CopyBuffer(traces is null ? 64 : txEstimate * 5 * 180 + 64);
        var stateDiffRows = new CopyBuffer(traces is null ? 64 : txEstimate * 110 + 64);
        var storageWriteRows = new CopyBuffer(traces is null ? 64 : txEstimate * 3 * 90 + 64);
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
            var blockTraces = traces?[b];
            if (blockTraces is not null && blockTraces.Count != block.Transactions.Count)
            {
                throw new BlockDecodeException(block.BlockNumber,
                    $"the node traced {blockTraces.Count} transactions, the block has {block.Transactions.Count}");
            }
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
                    if (blockTraces is not null)
                    {
                        var traced = blockTraces[i];
                        if (traced.TransactionHash != receipt.TransactionHash)
                        {
                            throw new BlockDecodeException(block.BlockNumber,
                                $"trace {i} is of transaction {traced.TransactionHash}, the block's transaction {i} is {receipt.TransactionHash}");
                        }
                        TraceRows.Write(callTraceRows, stateDiffRows, storageWriteRows, block.BlockNumber, unixTime, i, item, traced.TraceRoot, filter);
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
        callTraceRows.Complete();
        stateDiffRows.Complete();
        storageWriteRows.Complete();
        return new BatchRows
        {
            Blocks = blocks, Times = times, Traces = traces,
            BlockRows = blockRows, TransactionRows = transactionRows, CallRows = callRows, EventRows = eventRows,
            CallTraceRows = callTraceRows, StateDiffRows = stateDiffRows, StorageWriteRows = storageWriteRows,
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
        rows.StartRow(17);
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
        MaxAmount(rows, transaction.ResourceBounds?.L2Gas);
        MaxAmount(rows, transaction.ResourceBounds?.L1DataGas);
    }

    /// <summary>A bound's max amount (u64 in the spec); NULL when the transaction has no such bound, or a larger
    /// value than bigint holds (nothing a sender could pay for).</summary>
    private static void MaxAmount(CopyBuffer rows, ResourceBounds? bounds)
    {
        if (bounds is null || bounds.MaxAmount.High != 0 || bounds.MaxAmount.Low > long.MaxValue)
        {
            rows.Null();
            return;
        }
        rows.Int8((long)bounds.MaxAmount.Low);
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
        CallTraceRows.Dispose();
        StateDiffRows.Dispose();
        StorageWriteRows.Dispose();
    }
}

/// <summary>A row of ciro.contract_classes: <paramref name="Change"/> is "deployed" or "replaced".</summary>
public sealed record ClassChangeRow(ulong BlockNumber, DateTime BlockTime, Felt Contract, Felt ClassHash, string Change);

/// <summary>A row of ciro.classes.</summary>
public sealed record ClassRow(Felt ClassHash, string? SierraVersion, string? CompilerVersion, string? ContractClassVersion, ulong FirstBlock);
