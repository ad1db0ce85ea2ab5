using System.Text.Json;

namespace Ciro.Starknet.Abi;

/// <summary>Reads one ABI "event" entry in any of the three ABI generations.</summary>
internal static class AbiEventReader
{
    public static AbiEventDefinition Read(JsonElement entry, CairoTypeResolver types)
    {
        var name = ContractAbi.Str(entry, "name");
        switch (ContractAbi.Str(entry, "kind"))
        {
            case "struct":
                return new AbiStructEvent(name, Members(entry, "members", types));
            case "enum":
                var variants = entry.TryGetProperty("variants", out var list)
                    ? list.EnumerateArray().Select(v => new AbiEventVariant(
                        ContractAbi.Str(v, "name"), ContractAbi.Str(v, "type"), Kind(ContractAbi.Str(v, "kind"), EventFieldKind.Nested))).ToList()
                    : [];
                return new AbiEnumEvent(name, variants);
            case "":
                // Early Cairo 1 ("inputs": all data) or Cairo 0 ("keys" then "data").
                var members = new List<AbiEventMember>();
                members.AddRange(Legacy(entry, "keys", EventFieldKind.Key, types));
                members.AddRange(Legacy(entry, "data", EventFieldKind.Data, types));
                members.AddRange(Legacy(entry, "inputs", EventFieldKind.Data, types));
                return new AbiStructEvent(name, members);
            case var other:
                throw new AbiException($"unknown event kind '{other}'");
        }
    }

    private static List<AbiEventMember> Members(JsonElement entry, string property, CairoTypeResolver types)
    {
        var members = new List<AbiEventMember>();
        if (!entry.TryGetProperty(property, out var list))
        {
            return members;
        }
        foreach (var m in list.EnumerateArray())
        {
            var kind = Kind(ContractAbi.Str(m, "kind"), EventFieldKind.Data);
            var typeName = ContractAbi.Str(m, "type");
            // nested/flat members name another event; it is looked up when layouts are built.
            var type = kind is EventFieldKind.Key or EventFieldKind.Data ? types.Resolve(typeName) : null;
            members.Add(new AbiEventMember(ContractAbi.Str(m, "name"), typeName, kind, type));
        }
        return members;
    }

    private static IEnumerable<AbiEventMember> Legacy(JsonElement entry, string property, EventFieldKind kind, CairoTypeResolver types) =>
        MergeCairo0Arrays(ContractAbi.Pairs(entry, property))
            .Select(p => new AbiEventMember(p.Name, p.Type, kind, types.Resolve(p.Type)));

    /// <summary>Cairo 0 writes an array as two members, "x_len: felt" and "x: T*"; on the wire that is exactly a
    /// Cairo 1 Array&lt;T&gt;, so the pair becomes one Array member.</summary>
    public static IReadOnlyList<(string Name, string Type)> MergeCairo0Arrays(IReadOnlyList<(string Name, string Type)> members)
    {
        var merged = new List<(string, string)>(members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            var (name, type) = members[i];
            if (type.EndsWith('*'))
            {
                if (merged.Count == 0 || merged[^1].Item1 != name + "_len")
                {
                    throw new AbiException($"Cairo 0 pointer member '{name}' has no preceding '{name}_len'");
                }
                merged[^1] = (name, $"core::array::Array::<{type[..^1]}>");
                continue;
            }
            merged.Add((name, type));
        }
        return merged;
    }

    private static EventFieldKind Kind(string text, EventFieldKind fallback) => text switch
    {
        "key" => EventFieldKind.Key,
        "data" => EventFieldKind.Data,
        "nested" => EventFieldKind.Nested,
        "flat" => EventFieldKind.Flat,
        "" => fallback,
        _ => throw new AbiException($"unknown event field kind '{text}'"),
    };
}
