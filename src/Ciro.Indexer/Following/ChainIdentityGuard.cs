using Ciro.Indexer.Storage;
using Ciro.Starknet;
using Ciro.Starknet.Rpc;

namespace Ciro.Indexer.Following;

/// <summary>
/// Before anything is written: is the node on the chain this database holds? Compares the node's
/// starknet_chainId and its hash of the anchor block with <c>ciro.chain_identity</c>. Another chain (a reset
/// devnet, a new simulator chain, mainnet behind Sepolia data) halts the indexer with one message that says what
/// differs and what to do, instead of failing every batch as a reorg deeper than anyone can roll back.
/// </summary>
public sealed class ChainIdentityGuard(StarknetRpcClient rpc, ChainStore store, ILogger<ChainIdentityGuard> logger)
{
    /// <summary>Returns the node's chain id (recorded with the first block when the database is empty).</summary>
    /// <exception cref="IndexerHaltedException">The database holds another chain.</exception>
    public async Task<Felt> VerifyAsync(CancellationToken ct)
    {
        var chainId = await rpc.GetChainIdAsync(ct);
        var stored = await store.GetIdentityAsync(ct);
        if (stored is null)
        {
            if (await store.GetLowestStoredBlockAsync(ct) is not { } lowest)
            {
                return chainId; // empty: the first batch records the identity with its rows
            }
            // Indexed before identities were recorded: the lowest stored block is the anchor, on the node's chain id
            // (the database never knew its own).
            stored = new ChainIdentity(chainId, lowest.Number, lowest.Hash);
            await CompareAnchorAsync(stored, ct);
            await store.RecordIdentityAsync(stored, ct);
            logger.LogInformation("Chain identity recorded for the stored blocks: {ChainId}, block {Block} = {Hash}",
                ChainIdentity.Describe(chainId), lowest.Number, lowest.Hash);
            return chainId;
        }
        if (stored.ChainId != chainId)
        {
            throw Refuse(stored, $"the database holds chain {ChainIdentity.Describe(stored.ChainId)}, the node is chain {ChainIdentity.Describe(chainId)}");
        }
        await CompareAnchorAsync(stored, ct);
        return chainId;
    }

    private async Task CompareAnchorAsync(ChainIdentity stored, CancellationToken ct)
    {
        Felt? nodeHash;
        try
        {
            nodeHash = (await rpc.GetBlockWithTxHashesAsync(BlockId.Number(stored.AnchorBlock), ct)).BlockHash;
        }
        catch (BlockNotFoundException)
        {
            var head = await rpc.GetBlockNumberAsync(ct);
            throw Refuse(stored, $"the database holds {ChainIdentity.Describe(stored.ChainId)} from block {stored.AnchorBlock} ({stored.AnchorHash}), " +
                $"and the node has no block {stored.AnchorBlock} (its head is {head}: a reset node, or one still syncing)");
        }
        if (nodeHash != stored.AnchorHash)
        {
            throw Refuse(stored, $"both are chain {ChainIdentity.Describe(stored.ChainId)}, but block {stored.AnchorBlock} is {stored.AnchorHash} in the database " +
                $"and {nodeHash} at the node (a reset node or a new chain)");
        }
    }

    private static IndexerHaltedException Refuse(ChainIdentity stored, string difference) => new(
        $"The database holds another chain than the node: {difference}. Nothing was written. " +
        "To index the node's chain, use a new database (another Ciro:DataDirectory or ConnectionStrings:ciro), or delete the " +
        $"stored chain and index the node's: the indexer's \"Reindex from block…\" command in the Aspire dashboard with block {stored.AnchorBlock} " +
        $"(POST /admin/reindex {{\"fromBlock\": {stored.AnchorBlock}}}).");
}
