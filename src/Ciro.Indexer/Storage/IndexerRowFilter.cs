using Ciro.Indexer.Contracts;
using Ciro.Starknet;
using Ciro.Starknet.Abi;
using Ciro.Starknet.Calldata;
using Ciro.Starknet.Rpc;
using Microsoft.Extensions.Options;

namespace Ciro.Indexer.Storage;

/// <summary>What of a block is kept, and how it is described: in all-transactions mode everything; otherwise
/// the transactions that call or are touched by a watched contract, and the events those contracts emit.</summary>
public sealed class IndexerRowFilter(ContractCatalog catalog, IOptions<IndexerOptions> options)
{
    private bool KeepAll => options.Value.AllTransactions || !catalog.HasContracts;

    public bool KeepTransaction(TransactionWithReceipt item, IReadOnlyList<ContractCall> calls, ulong blockNumber)
    {
        if (KeepAll)
        {
            return true;
        }
        foreach (var ev in item.Receipt.Events)
        {
            if (catalog.IsWatched(ev.FromAddress, blockNumber))
            {
                return true;
            }
        }
        foreach (var call in calls)
        {
            if (catalog.IsWatched(call.To, blockNumber))
            {
                return true;
            }
        }
        return false;
    }

    public bool KeepEvent(Event ev, ulong blockNumber) => KeepAll || catalog.IsWatched(ev.FromAddress, blockNumber);

    /// <summary>Whether a contract's class history is kept: every contract in all-transactions mode, else the watched.</summary>
    public bool KeepContract(Felt address, ulong blockNumber) => KeepAll || catalog.IsWatched(address, blockNumber);

    /// <summary>The calls a transaction makes (Ciro.Starknet's multicall decoder: INVOKE v0 / L1_HANDLER targets,
    /// Cairo 1 and Cairo 0 __execute__ layouts); none when the calldata fits no layout (the transaction row is
    /// still stored, its function is just unknown).</summary>
    public IReadOnlyList<ContractCall> Calls(Transaction transaction) =>
        MulticallDecoder.TryDecode(transaction, out var calls) ? calls : [];

    /// <summary>The event decoded by ABI (name = variant path, fields → the decoded JSONB), or null when no ABI
    /// fits, in which case the raw keys and data columns are the record (storing them twice as JSON would only cost
    /// space).</summary>
    public DecodedEvent? Decode(Event ev)
    {
        if (ev.Keys.Count == 0)
        {
            return null;
        }
        var decoded = catalog.Decode(ev);
        return decoded.IsDecoded ? decoded : null;
    }

    /// <summary>The called function's name from the called contract's ABI, when the catalog has it.</summary>
    public string? FunctionName(Felt contract, Felt selector) => catalog.FunctionName(contract, selector);
}
