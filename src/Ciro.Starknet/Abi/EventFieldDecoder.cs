using Ciro.Starknet.Rpc;

namespace Ciro.Starknet.Abi;

/// <summary>Where a field's felts are read from, per attempt.</summary>
internal sealed record LayoutStrategy(string Name)
{
    public static readonly LayoutStrategy Declared = new("declared");
    public static readonly LayoutStrategy LegacyAllData = new("legacy_all_data");
    public static readonly LayoutStrategy KeysFirst = new("keys_first");
}

/// <summary>Decodes one event's fields with one layout strategy; throws <see cref="AbiException"/> when the felts
/// do not fit exactly (too few, too many, or out of range for a type).</summary>
internal static class EventFieldDecoder
{
    public static IReadOnlyDictionary<string, object?> Decode(EventLayout layout, Event ev, LayoutStrategy strategy)
    {
        var keys = new FeltReader(ev.Keys, layout.SelectorPath.Count);
        var data = new FeltReader(ev.Data);
        if (strategy == LayoutStrategy.LegacyAllData && !keys.AtEnd)
        {
            throw new AbiException("legacy layout has no keys besides the selector");
        }
        var fields = DecodeStruct(layout.Definition, keys, data, strategy);
        if (!keys.AtEnd || !data.AtEnd)
        {
            throw new AbiException($"{keys.Remaining} key(s) and {data.Remaining} data felt(s) left over");
        }
        return fields;
    }

    private static OrderedDictionary<string, object?> DecodeStruct(
        AbiStructEvent definition, FeltReader keys, FeltReader data, LayoutStrategy strategy)
    {
        var fields = new OrderedDictionary<string, object?>(definition.Members.Count, StringComparer.Ordinal);
        foreach (var member in definition.Members)
        {
            if (member.Type is null)
            {
                throw new AbiException($"field {member.Name} is a {member.Kind} event ({member.TypeName}); nested event fields are not decoded");
            }
            var source = strategy switch
            {
                _ when strategy == LayoutStrategy.LegacyAllData => data,
                _ when strategy == LayoutStrategy.KeysFirst => keys.AtEnd ? data : keys,
                _ => member.Kind == EventFieldKind.Key ? keys : data,
            };
            fields[member.Name] = CairoDecoder.Decode(member.Type, source);
        }
        return fields;
    }
}
