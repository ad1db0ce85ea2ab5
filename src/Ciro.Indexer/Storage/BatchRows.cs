using Ciro.Starknet;
using Ciro.Starknet.Calldata;
using Ciro.Starknet.Rpc;

namespace Ciro.Indexer.Storage;

/// <summary>
/// A batch of blocks turned into the rows the four tables receive: filtered, multicalls split, events decoded.
/// Built off the database connection (in the fetch stage of the pipeline) so the CPU work of decoding overlaps
/// the previous batch's COPY; the writer then only serialises.
/// </summary>
public sealed class BatchRows
{
    public required IReadOnlyList<BlockWithReceipts> Blocks { get; init; }
    public required BlockSums[] Sums { get; init; }
    public required List<TransactionRow> Transactions { get; init; }
    public required List<EventRow> Events { get; init; }
    public int CallCount { get; init; }

    public ulong From => Blocks[0].BlockNumber;
    public ulong To => Blocks[^1].BlockNumber;

    public static BatchRows Prepare(IReadOnlyList<BlockWithReceipts> blocks, IndexerRowFilter filter)
    {
        var sums = new BlockSums[blocks.Count];
        var transactions = new List<TransactionRow>();
        var events = new List<EventRow>();
        var callCount = 0;
        for (var b = 0; b < blocks.Count; b++)
        {
            var block = blocks[b];
            var time = BlockTime(block);
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
                if (filter.KeepTransaction(item, calls))
                {
                    transactions.Add(new TransactionRow(block.BlockNumber, time, i, item, calls));
                    callCount += calls.Count;
                }
                for (var e = 0; e < receipt.Events.Count; e++)
                {
                    var ev = receipt.Events[e];
                    if (filter.KeepEvent(ev))
                    {
                        var (name, decoded) = filter.Describe(ev);
                        events.Add(new EventRow(block.BlockNumber, time, i, e, receipt.TransactionHash, ev, name, decoded));
                    }
                }
            }
            sums[b] = new BlockSums(time, l1, l1Data, l2, eventCount);
        }
        return new BatchRows { Blocks = blocks, Sums = sums, Transactions = transactions, Events = events, CallCount = callCount };
    }

    public static DateTime BlockTime(BlockHeader block) => DateTimeOffset.FromUnixTimeSeconds((long)block.Timestamp).UtcDateTime;
}

public readonly record struct BlockSums(DateTime Time, ulong L1Gas, ulong L1DataGas, ulong L2Gas, int EventCount);

public sealed record TransactionRow(ulong BlockNumber, DateTime Time, int Index, TransactionWithReceipt Item, IReadOnlyList<ContractCall> Calls);

public sealed record EventRow(ulong BlockNumber, DateTime Time, int TxIndex, int EventIndex, Felt TxHash, Event Event, string? Name, string? Decoded);
