using Ciro.Starknet;

namespace Ciro.Indexer.Storage;

/// <summary>Which chain a database holds: the node's chain id and the hash of one block of it (the first block
/// indexed, the anchor). Two chains with the same id (a reset devnet, a new simulator chain) differ in the anchor.</summary>
public sealed record ChainIdentity(Felt ChainId, ulong AnchorBlock, Felt AnchorHash)
{
    /// <summary>"SN_SEPOLIA" for a printable short string, the hex felt otherwise.</summary>
    public static string Describe(Felt chainId)
    {
        var text = chainId.ToShortString();
        return text.Length > 0 && text.All(c => c is > ' ' and <= '~') ? text : chainId.ToString();
    }
}
