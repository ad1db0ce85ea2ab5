namespace Ciro.Starknet.Rpc;

/// <summary>starknet_getStateUpdate. A pre_confirmed update has no block hash and no new root.</summary>
public sealed record StateUpdate
{
    public Felt? BlockHash { get; init; }
    public Felt? NewRoot { get; init; }
    public Felt? OldRoot { get; init; }
    public StateDiff StateDiff { get; init; } = new();
}

/// <summary>What a block (or, in a trace, one transaction) changed in the global state.</summary>
public sealed record StateDiff
{
    public IReadOnlyList<ContractStorageDiff> StorageDiffs { get; init; } = [];

    /// <summary>Cairo 0 classes declared (DECLARE v0/v1): hashes only.</summary>
    public IReadOnlyList<Felt> DeprecatedDeclaredClasses { get; init; } = [];

    public IReadOnlyList<DeclaredClass> DeclaredClasses { get; init; } = [];

    /// <summary>v0.10: classes whose compiled class hash moved to the Blake hash; absent before.</summary>
    public IReadOnlyList<DeclaredClass> MigratedCompiledClasses { get; init; } = [];

    public IReadOnlyList<DeployedContract> DeployedContracts { get; init; } = [];
    public IReadOnlyList<ReplacedClass> ReplacedClasses { get; init; } = [];
    public IReadOnlyList<NonceUpdate> Nonces { get; init; } = [];
}

public sealed record ContractStorageDiff
{
    public Felt Address { get; init; }
    public IReadOnlyList<StorageEntry> StorageEntries { get; init; } = [];
}

public sealed record StorageEntry
{
    public Felt Key { get; init; }
    public Felt Value { get; init; }
}

/// <summary>A Sierra class and its compiled (CASM) class hash.</summary>
public sealed record DeclaredClass
{
    public Felt ClassHash { get; init; }
    public Felt CompiledClassHash { get; init; }
}

public sealed record DeployedContract
{
    public Felt Address { get; init; }
    public Felt ClassHash { get; init; }
}

/// <summary>A contract whose class was replaced (replace_class syscall, i.e. an upgrade).</summary>
public sealed record ReplacedClass
{
    public Felt ContractAddress { get; init; }
    public Felt ClassHash { get; init; }
}

/// <summary>An account's nonce at the end of the block.</summary>
public sealed record NonceUpdate
{
    public Felt ContractAddress { get; init; }
    public Felt Nonce { get; init; }
}
