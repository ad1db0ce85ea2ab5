namespace Ciro.Starknet.Abi;

/// <summary>How an event field or variant is serialised (Cairo's #[key], default data, #[nested], #[flat]).</summary>
public enum EventFieldKind
{
    Key,
    Data,
    Nested,
    Flat,
}

/// <summary>An ABI "event" entry: a struct (fields) or an enum (variants pointing at other events).</summary>
public abstract record AbiEventDefinition(string Name);

public sealed record AbiStructEvent(string Name, IReadOnlyList<AbiEventMember> Members) : AbiEventDefinition(Name);

public sealed record AbiEnumEvent(string Name, IReadOnlyList<AbiEventVariant> Variants) : AbiEventDefinition(Name);

/// <summary>A struct event's field. <see cref="Type"/> is set for key/data fields; nested/flat fields name another
/// event definition in <see cref="TypeName"/> instead.</summary>
public sealed record AbiEventMember(string Name, string TypeName, EventFieldKind Kind, CairoType? Type);

public sealed record AbiEventVariant(string Name, string TypeName, EventFieldKind Kind);

/// <summary>One emittable event after walking the contract's Event enum: the selector keys that open it (one per
/// nested level; flat levels add none) and the struct whose fields follow. Name is the variant path,
/// e.g. "JobSubmitted" or "PerformanceEvent::JobOutcome".</summary>
public sealed record EventLayout(string Name, string TypeName, IReadOnlyList<Felt> SelectorPath, AbiStructEvent Definition);

/// <summary>An ABI function (also interface items and L1 handlers).</summary>
public sealed record AbiFunction(
    string Name,
    Felt Selector,
    IReadOnlyList<CairoMember> Inputs,
    IReadOnlyList<CairoType> Outputs,
    string? StateMutability,
    bool IsL1Handler);
