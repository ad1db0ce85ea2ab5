using Ciro.Starknet.Rpc;

namespace Ciro.Starknet.Abi;

/// <summary>An event decoded by ABI, or its raw form when no ABI matched (<see cref="IsDecoded"/> false, empty
/// <see cref="Name"/>, <see cref="Fields"/> empty, keys and data kept in <see cref="Raw"/>).</summary>
public sealed record DecodedEvent
{
    /// <summary>Variant path in the contract's Event enum: "JobSubmitted", "PerformanceEvent::JobSampled";
    /// flat components contribute no segment ("RoleGranted"). Empty when not decoded.</summary>
    public string Name { get; init; } = "";

    /// <summary>keys[0] of the event (zero if it has no keys): what getEvents key filters match.</summary>
    public Felt Selector { get; init; }

    /// <summary>Full Cairo path of the event struct (informational: it changes between library versions).</summary>
    public string? TypeName { get; init; }

    public bool IsDecoded { get; init; }

    /// <summary>How the felts were laid out: "declared" (as the ABI says), "legacy_all_data" (every field in
    /// data, as pre-Cairo-1 contracts emitted), or "keys_first" (fields in order, keys before data).</summary>
    public string? Layout { get; init; }

    /// <summary>Field name → typed value (see <see cref="CairoDecoder"/>), in declaration order.</summary>
    public IReadOnlyDictionary<string, object?> Fields { get; init; } = EmptyFields;

    public required Event Raw { get; init; }

    /// <summary>Why decoding failed when a layout with this selector existed but the felts did not fit it.</summary>
    public string? Error { get; init; }

    internal static readonly IReadOnlyDictionary<string, object?> EmptyFields = new Dictionary<string, object?>();

    public T Get<T>(string field) => Fields.TryGetValue(field, out var value) && value is T typed
        ? typed
        : throw new KeyNotFoundException($"event {Name} has no field '{field}' of type {typeof(T).Name}");
}
