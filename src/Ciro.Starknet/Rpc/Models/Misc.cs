namespace Ciro.Starknet.Rpc;

/// <summary>starknet_syncing: the node answers <c>false</c> when it is not syncing, else the progress object.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Json.SyncStatusJsonConverter))]
public sealed record SyncStatus
{
    public static SyncStatus NotSyncing { get; } = new();

    public bool IsSyncing { get; init; }
    public Felt? StartingBlockHash { get; init; }
    public ulong? StartingBlockNum { get; init; }
    public Felt? CurrentBlockHash { get; init; }
    public ulong? CurrentBlockNum { get; init; }
    public Felt? HighestBlockHash { get; init; }
    public ulong? HighestBlockNum { get; init; }
}

/// <summary>A read-only call (starknet_call).</summary>
public sealed record FunctionCall(Felt ContractAddress, Felt EntryPointSelector, IReadOnlyList<Felt> Calldata)
{
    public static FunctionCall Create(Felt contractAddress, string functionName, params Felt[] calldata) =>
        new(contractAddress, Selector.FromName(functionName), calldata);
}

/// <summary>starknet_getTransactionStatus, and the status inside a transaction-status subscription.</summary>
public sealed record TransactionStatus
{
    /// <summary>RECEIVED, CANDIDATE, PRE_CONFIRMED, ACCEPTED_ON_L2, ACCEPTED_ON_L1.</summary>
    public string FinalityStatus { get; init; } = "";

    /// <summary>SUCCEEDED or REVERTED; absent while not yet executed.</summary>
    public string? ExecutionStatus { get; init; }

    public string? FailureReason { get; init; }
}
