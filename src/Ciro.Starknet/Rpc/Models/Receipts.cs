using System.Text.Json.Serialization;

namespace Ciro.Starknet.Rpc;

/// <summary>A transaction receipt in the v0.7–v0.10 shapes.</summary>
public sealed record TransactionReceipt
{
    public Felt TransactionHash { get; init; }
    public string Type { get; init; } = "";
    public FeePayment ActualFee { get; init; } = new();

    /// <summary>SUCCEEDED or REVERTED. A reverted transaction still pays and still emits the fee Transfer.</summary>
    public string ExecutionStatus { get; init; } = "";

    /// <summary>PRE_CONFIRMED, ACCEPTED_ON_L2 or ACCEPTED_ON_L1.</summary>
    public string FinalityStatus { get; init; } = "";

    public string? RevertReason { get; init; }
    public ExecutionResources ExecutionResources { get; init; } = new();
    public IReadOnlyList<Event> Events { get; init; } = [];
    public IReadOnlyList<MessageToL1>? MessagesSent { get; init; }

    /// <summary>Only in getTransactionReceipt answers; absent inside a block and while pre_confirmed.</summary>
    public Felt? BlockHash { get; init; }
    public ulong? BlockNumber { get; init; }

    /// <summary>DEPLOY and DEPLOY_ACCOUNT.</summary>
    public Felt? ContractAddress { get; init; }

    /// <summary>L1_HANDLER: the hash of the L1 message.</summary>
    public string? MessageHash { get; init; }

    [JsonIgnore]
    public bool Reverted => ExecutionStatus == "REVERTED";
}

public sealed record FeePayment
{
    public Felt Amount { get; init; }

    /// <summary>WEI (ETH) or FRI (STRK).</summary>
    public string Unit { get; init; } = "";
}

public sealed record MessageToL1
{
    public Felt FromAddress { get; init; }
    public Felt ToAddress { get; init; }
    public IReadOnlyList<Felt> Payload { get; init; } = [];
}

/// <summary>What a transaction consumed. v0.8+ nodes send {l1_gas, l1_data_gas, l2_gas}; v0.7 nodes sent Cairo
/// steps and builtin counts with the L1 amounts under data_availability. Both are read into one record so the
/// indexer always has L1Gas/L1DataGas/L2Gas; the legacy counters are kept when present.</summary>
[JsonConverter(typeof(Json.ExecutionResourcesJsonConverter))]
public sealed record ExecutionResources
{
    public ulong L1Gas { get; init; }
    public ulong L1DataGas { get; init; }

    /// <summary>Zero in the v0.7 shape, which did not have L2 gas.</summary>
    public ulong L2Gas { get; init; }

    /// <summary>v0.7 only: Cairo VM steps.</summary>
    public ulong? Steps { get; init; }

    /// <summary>v0.7 only.</summary>
    public ulong? MemoryHoles { get; init; }

    /// <summary>v0.7 only: builtin name (e.g. "pedersen", "range_check") → applications.</summary>
    public IReadOnlyDictionary<string, ulong>? Builtins { get; init; }

    /// <summary>True when the node answered in the v0.7 shape (steps/builtins, no l2_gas).</summary>
    public bool IsLegacyShape { get; init; }
}
