using Ciro.Indexer.Contracts;
using Ciro.Starknet;
using Ciro.Starknet.Rpc;
using Microsoft.Extensions.Options;

namespace Ciro.Indexer.Storage;

/// <summary>What of a block is kept: in all-transactions mode everything; otherwise the transactions that
/// call or are touched by a watched contract, and the events those contracts emit.</summary>
public sealed class IndexerRowFilter(ContractCatalog catalog, IOptions<IndexerOptions> options)
{
    private bool KeepAll => options.Value.AllTransactions || !catalog.HasContracts;

    public bool KeepTransaction(TransactionWithReceipt item)
    {
        if (KeepAll)
        {
            return true;
        }
        foreach (var ev in item.Receipt.Events)
        {
            if (catalog.IsWatched(ev.FromAddress))
            {
                return true;
            }
        }
        foreach (var call in Calls(item.Transaction))
        {
            if (catalog.IsWatched(call.To))
            {
                return true;
            }
        }
        return false;
    }

    public bool KeepEvent(Event ev) => KeepAll || catalog.IsWatched(ev.FromAddress);

    public IReadOnlyList<(Felt To, Felt Selector)> Calls(Transaction transaction) => [];

    public (string? Name, string? DecodedJson) Describe(Event ev) => (catalog.EventName(ev), null);
}
