using System.Text.Json.Serialization;

namespace Ciro.Starknet.Rpc;

/// <summary>Gas price of one resource in both fee units: v3 transactions pay in FRI (STRK), older ones in WEI.</summary>
public sealed record ResourcePrice
{
    public Felt PriceInFri { get; init; }
    public Felt PriceInWei { get; init; }
}

/// <summary>A block header in any served shape. A pre_confirmed block has no hash, parent hash, new root or
/// status; v0.10 adds commitments and counts, which older nodes omit, so they are optional here. A field the node
/// did not send is null, never a made-up zero (the source-generated reader leaves absent init properties null
/// whatever their initialiser says, so optional fields are declared nullable).</summary>
public record BlockHeader
{
    /// <summary>Null for a pre_confirmed block.</summary>
    public Felt? BlockHash { get; init; }

    /// <summary>Null for a pre_confirmed block (the spec leaves it out); compare with the stored parent to see reorgs.</summary>
    public Felt? ParentHash { get; init; }

    public ulong BlockNumber { get; init; }
    public Felt? NewRoot { get; init; }
    public ulong Timestamp { get; init; }
    public Felt SequencerAddress { get; init; }

    /// <summary>Required in every spec version; a reader still checks it (see the indexer's BlockShape).</summary>
    [JsonPropertyName("l1_gas_price")]
    public ResourcePrice L1GasPrice { get; init; } = new();

    /// <summary>Null from nodes before v0.7 (blocks before starknet 0.13.1 had no blob data price).</summary>
    [JsonPropertyName("l1_data_gas_price")]
    public ResourcePrice? L1DataGasPrice { get; init; }

    /// <summary>Null from nodes before v0.8 (v0.7-era headers have no L2 gas price).</summary>
    [JsonPropertyName("l2_gas_price")]
    public ResourcePrice? L2GasPrice { get; init; }

    /// <summary>ACCEPTED_ON_L2 / ACCEPTED_ON_L1; null for pre_confirmed.</summary>
    public string? Status { get; init; }

    public string? StarknetVersion { get; init; }

    /// <summary>BLOB or CALLDATA.</summary>
    [JsonPropertyName("l1_da_mode")]
    public string? L1DaMode { get; init; }

    public Felt? TransactionCommitment { get; init; }
    public Felt? EventCommitment { get; init; }
    public Felt? ReceiptCommitment { get; init; }
    public Felt? StateDiffCommitment { get; init; }
    public ulong? EventCount { get; init; }
    public ulong? TransactionCount { get; init; }
    public ulong? StateDiffLength { get; init; }

    /// <summary>True when the node says the block is not yet closed (no hash).</summary>
    [JsonIgnore]
    public bool IsPreConfirmed => BlockHash is null;
}

public sealed record BlockWithTxHashes : BlockHeader
{
    public IReadOnlyList<Felt> Transactions { get; init; } = [];
}

/// <summary>starknet_getBlockWithTxs: the transactions with their hashes, without receipts.</summary>
public sealed record BlockWithTxs : BlockHeader
{
    public IReadOnlyList<Transaction> Transactions { get; init; } = [];
}

public sealed record BlockWithReceipts : BlockHeader
{
    public IReadOnlyList<TransactionWithReceipt> Transactions { get; init; } = [];
}

public sealed record TransactionWithReceipt
{
    public Transaction Transaction { get; init; } = new();
    public TransactionReceipt Receipt { get; init; } = new();
}

public sealed record BlockHashAndNumber
{
    public Felt BlockHash { get; init; }
    public ulong BlockNumber { get; init; }
}
