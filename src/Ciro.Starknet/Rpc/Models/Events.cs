namespace Ciro.Starknet.Rpc;

/// <summary>An event as a receipt lists it. keys[0] is normally the selector of the event's name.</summary>
public record Event
{
    public Felt FromAddress { get; init; }
    public IReadOnlyList<Felt> Keys { get; init; } = [];
    public IReadOnlyList<Felt> Data { get; init; } = [];
}

/// <summary>An event as getEvents and subscriptions return it: with its block and transaction. Block fields are
/// null while pre_confirmed; transaction_index/event_index arrive only from v0.10 nodes.</summary>
public sealed record EmittedEvent : Event
{
    public Felt? BlockHash { get; init; }
    public ulong? BlockNumber { get; init; }
    public Felt TransactionHash { get; init; }
    public int? TransactionIndex { get; init; }
    public int? EventIndex { get; init; }

    /// <summary>Subscriptions (v0.9+) say how final the event is.</summary>
    public string? FinalityStatus { get; init; }
}

/// <summary>Filter of starknet_getEvents. Block bounds use <see cref="FromBlockId"/>/<see cref="ToBlockId"/> when set,
/// else FromBlock/ToBlock numbers. Keys: position i matches any of Keys[i]; an empty inner list matches anything.</summary>
public sealed record EventFilter
{
    public ulong? FromBlock { get; init; }
    public ulong? ToBlock { get; init; }
    public BlockId? FromBlockId { get; init; }
    public BlockId? ToBlockId { get; init; }

    /// <summary>One address works on every node; several need v0.10.1+ (sent as a list only then).</summary>
    public IReadOnlyList<Felt>? Addresses { get; init; }

    public IReadOnlyList<IReadOnlyList<Felt>>? Keys { get; init; }
}

/// <summary>One page of starknet_getEvents. The token is opaque: pass it back as is, never parse it.</summary>
public sealed record EventsPage
{
    public IReadOnlyList<EmittedEvent> Events { get; init; } = [];
    public string? ContinuationToken { get; init; }
}
