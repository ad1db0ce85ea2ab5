using System.Text.Json.Serialization;

namespace Ciro.Starknet.Rpc;

/// <summary>One transaction of any type and version, flattened: fields a type does not have stay null or empty.
/// Type is INVOKE, DECLARE, DEPLOY_ACCOUNT, DEPLOY or L1_HANDLER; Version is the hex string the node sent
/// ("0x1", "0x3", or the query-version form 0x1000…0003).</summary>
public sealed record Transaction
{
    /// <summary>Present in getBlockWithTxs / subscriptions; absent inside getBlockWithReceipts (the receipt has it).</summary>
    public Felt? TransactionHash { get; init; }

    public string Type { get; init; } = "";
    public string Version { get; init; } = "0x0";

    /// <summary>The account (INVOKE v1/v3, DECLARE v2/v3).</summary>
    public Felt? SenderAddress { get; init; }

    /// <summary>INVOKE v0, L1_HANDLER and DEPLOY name the called contract instead of a sender.</summary>
    public Felt? ContractAddress { get; init; }

    /// <summary>INVOKE v0 and L1_HANDLER only: account transactions always enter through __execute__.</summary>
    public Felt? EntryPointSelector { get; init; }

    /// <summary>Empty for DECLARE, DEPLOY and DEPLOY_ACCOUNT, which have none (see ConstructorCalldata).</summary>
    public IReadOnlyList<Felt> Calldata { get => _calldata ?? []; init => _calldata = value; }

    /// <summary>Empty for DEPLOY and L1_HANDLER, which are not signed.</summary>
    public IReadOnlyList<Felt> Signature { get => _signature ?? []; init => _signature = value; }

    // Backing fields: the source-generated reader sets an absent init property to null, so the getters
    // turn "not sent" into empty here rather than in every reader.
    private readonly IReadOnlyList<Felt>? _calldata;
    private readonly IReadOnlyList<Felt>? _signature;
    public Felt? Nonce { get; init; }

    /// <summary>v3 only.</summary>
    public Felt? Tip { get; init; }

    /// <summary>v0–v2 only (fee in WEI).</summary>
    public Felt? MaxFee { get; init; }

    /// <summary>v3 only.</summary>
    public ResourceBoundsMapping? ResourceBounds { get; init; }

    public IReadOnlyList<Felt>? PaymasterData { get; init; }
    public IReadOnlyList<Felt>? AccountDeploymentData { get; init; }
    public string? NonceDataAvailabilityMode { get; init; }
    public string? FeeDataAvailabilityMode { get; init; }

    /// <summary>DECLARE and DEPLOY_ACCOUNT.</summary>
    public Felt? ClassHash { get; init; }
    public Felt? CompiledClassHash { get; init; }
    public Felt? ContractAddressSalt { get; init; }
    public IReadOnlyList<Felt>? ConstructorCalldata { get; init; }

    /// <summary>Version as a number, ignoring the query-version bit (2^128) that simulations set.</summary>
    [JsonIgnore]
    public int VersionNumber => Felt.TryParse(Version, out var v) ? (int)(v.Low & 0xff) : -1;
}

public sealed record ResourceBoundsMapping
{
    [JsonPropertyName("l1_gas")]
    public ResourceBounds L1Gas { get; init; } = new();

    /// <summary>Absent before v0.8 (v3 transactions then bounded only L1 gas and L2 gas).</summary>
    [JsonPropertyName("l1_data_gas")]
    public ResourceBounds? L1DataGas { get; init; }

    [JsonPropertyName("l2_gas")]
    public ResourceBounds L2Gas { get; init; } = new();
}

public sealed record ResourceBounds
{
    public Felt MaxAmount { get; init; }
    public Felt MaxPricePerUnit { get; init; }
}
