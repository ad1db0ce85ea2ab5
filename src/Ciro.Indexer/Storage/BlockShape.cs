using Ciro.Starknet.Rpc;

namespace Ciro.Indexer.Storage;

/// <summary>A block answer the indexer cannot store as is: names the block, the transaction when there is one, and
/// the field, so an operator sees what the node sent instead of a NullReferenceException.</summary>
public sealed class BlockDecodeException : Exception
{
    public BlockDecodeException(ulong blockNumber, string message, Exception? inner = null)
        : this(blockNumber, blockNumber, message, inner)
    {
    }

    /// <summary>For a batch answer that did not parse as a whole: the range asked for.</summary>
    public BlockDecodeException(ulong from, ulong to, string message, Exception? inner = null)
        : base(from == to ? $"block {from}: {message}" : $"blocks {from}..{to}: {message}", inner)
    {
        (From, To) = (from, to);
    }

    public ulong From { get; }
    public ulong To { get; }
}

/// <summary>Checks the fields every served shape must have before a block becomes rows. Everything else is optional
/// by era and stored as NULL when absent: l1_data_gas_price (before v0.7), l2_gas_price (before v0.8), l1_da_mode,
/// commitments, counts, revert reasons. What is required here is required by every spec version from v0.6 on.</summary>
public static class BlockShape
{
    public static void Check(BlockWithReceipts block)
    {
        var n = block.BlockNumber;
        Require(n, block.BlockHash is not null, "block_hash is missing (a pre_confirmed block cannot be stored)");
        Require(n, block.ParentHash is not null, "parent_hash is missing");
        Require(n, block.L1GasPrice is not null, "l1_gas_price is missing");
        var transactions = block.Transactions ?? throw new BlockDecodeException(n, "transactions is missing");
        for (var i = 0; i < transactions.Count; i++)
        {
            var item = transactions[i];
            var tx = item?.Transaction ?? throw new BlockDecodeException(n, $"transaction {i}: the transaction object is missing");
            var receipt = item.Receipt ?? throw new BlockDecodeException(n, $"transaction {i}: the receipt is missing");
            var at = $"transaction {i} ({receipt.TransactionHash})";
            Require(n, !string.IsNullOrEmpty(tx.Type), $"{at}: type is missing");
            Require(n, tx.Version is not null, $"{at}: version is missing");
            var fee = receipt.ActualFee ?? throw new BlockDecodeException(n, $"{at}: actual_fee is missing");
            Require(n, fee.Unit is "WEI" or "FRI", $"{at}: actual_fee.unit '{fee.Unit}' is neither WEI nor FRI");
            Require(n, !string.IsNullOrEmpty(receipt.ExecutionStatus), $"{at}: execution_status is missing");
            Require(n, receipt.ExecutionResources is not null, $"{at}: execution_resources is missing");
            var events = receipt.Events ?? throw new BlockDecodeException(n, $"{at}: events is missing");
            for (var e = 0; e < events.Count; e++)
            {
                var ev = events[e];
                Require(n, ev?.Keys is not null && ev.Data is not null, $"{at}: event {e} has no keys or no data");
            }
        }
    }

    private static void Require(ulong blockNumber, bool condition, string message)
    {
        if (!condition)
        {
            throw new BlockDecodeException(blockNumber, message);
        }
    }
}
