namespace Ciro.Starknet.Abi;

/// <summary>Turns ABI type strings ("core::array::Array::&lt;(core::felt252, my::Struct)&gt;") into
/// <see cref="CairoType"/>s, looking up structs and enums the ABI declares. Core types win over ABI declarations
/// (ABIs also declare u256, bool and ByteArray as plain structs/enums, which would decode less usefully).</summary>
public sealed class CairoTypeResolver
{
    /// <summary>Deepest type nesting resolved (arrays of tuples of structs …). Real contracts stay far below; a
    /// hostile ABI 10,000 levels deep would otherwise overflow the stack here and again in every decode.</summary>
    public const int MaxDepth = 64;

    /// <summary>Longest type name accepted, in characters.</summary>
    public const int MaxNameLength = 4096;

    private readonly Dictionary<string, IReadOnlyList<(string Name, string Type)>> _structs;
    private readonly Dictionary<string, IReadOnlyList<(string Name, string Type)>> _enums;
    private readonly Dictionary<string, CairoType> _cache = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);

    public CairoTypeResolver(
        IReadOnlyDictionary<string, IReadOnlyList<(string Name, string Type)>>? structs = null,
        IReadOnlyDictionary<string, IReadOnlyList<(string Name, string Type)>>? enums = null)
    {
        _structs = structs is null ? [] : new(structs, StringComparer.Ordinal);
        _enums = enums is null ? [] : new(enums, StringComparer.Ordinal);
    }

    public CairoType Resolve(string typeName)
    {
        var name = typeName.Trim();
        if (_cache.TryGetValue(name, out var cached))
        {
            return cached;
        }
        if (name.Length > MaxNameLength)
        {
            throw new AbiException($"type name of {name.Length} characters is longer than {MaxNameLength}: {Shorten(name)}");
        }
        if (_resolving.Count >= MaxDepth)
        {
            throw new AbiException($"type nesting deeper than {MaxDepth} levels at {Shorten(name)}");
        }
        if (!_resolving.Add(name))
        {
            throw new AbiException($"type {Shorten(name)} contains itself; Serde cannot encode a recursive type");
        }
        try
        {
            var type = ResolveUncached(name);
            _cache[name] = type;
            return type;
        }
        finally
        {
            _resolving.Remove(name);
        }
    }

    private CairoType ResolveUncached(string name)
    {
        if (name.StartsWith('('))
        {
            return new TupleType(name, SplitTopLevel(name[1..^1]).Select(Resolve).ToList());
        }
        if (Core(name) is { } core)
        {
            return core;
        }
        var genericStart = name.IndexOf("::<", StringComparison.Ordinal);
        if (genericStart > 0 && name.EndsWith('>'))
        {
            var basePath = name[..genericStart];
            var args = SplitTopLevel(name[(genericStart + 3)..^1]);
            switch (LastSegment(basePath))
            {
                case "Array" or "Span" when args.Count == 1:
                    return new ArrayType(name, Resolve(args[0]));
                case "Option" when args.Count == 1 && basePath.StartsWith("core::", StringComparison.Ordinal):
                    return new OptionType(name, Resolve(args[0]));
                case "NonZero" when args.Count == 1:
                    // NonZero<T> serialises exactly as T.
                    return Resolve(args[0]);
                case "Box" when args.Count == 1:
                    return Resolve(args[0]);
            }
        }
        if (_structs.TryGetValue(name, out var members))
        {
            return new StructType(name, members.Select(m => new CairoMember(m.Name, Resolve(m.Type))).ToList());
        }
        if (_enums.TryGetValue(name, out var variants))
        {
            return new EnumType(name, variants.Select(v => new CairoMember(v.Name, Resolve(v.Type))).ToList());
        }
        throw new AbiException($"unknown type '{Shorten(name)}' (not a core type and not declared in the ABI)");
    }

    private static string Shorten(string name) => name.Length <= 120 ? name : name[..120] + "…";

    private static CairoType? Core(string name) => name switch
    {
        "core::felt252" or "felt252" or "felt" => new FeltType(name, FeltKind.Felt252),
        "core::starknet::contract_address::ContractAddress" or "ContractAddress" => new FeltType(name, FeltKind.ContractAddress),
        "core::starknet::class_hash::ClassHash" or "ClassHash" => new FeltType(name, FeltKind.ClassHash),
        "core::starknet::storage_access::StorageAddress" => new FeltType(name, FeltKind.StorageAddress),
        "core::starknet::eth_address::EthAddress" or "EthAddress" => new FeltType(name, FeltKind.EthAddress),
        "core::bytes_31::bytes31" or "bytes31" => new FeltType(name, FeltKind.Bytes31),
        "core::integer::u8" or "u8" => new UnsignedType(name, 8),
        "core::integer::u16" or "u16" => new UnsignedType(name, 16),
        "core::integer::u32" or "u32" or "core::integer::usize" or "usize" => new UnsignedType(name, 32),
        "core::integer::u64" or "u64" => new UnsignedType(name, 64),
        "core::integer::u128" or "u128" => new UnsignedType(name, 128),
        "core::integer::i8" or "i8" => new SignedType(name, 8),
        "core::integer::i16" or "i16" => new SignedType(name, 16),
        "core::integer::i32" or "i32" => new SignedType(name, 32),
        "core::integer::i64" or "i64" => new SignedType(name, 64),
        "core::integer::i128" or "i128" => new SignedType(name, 128),
        "core::integer::u256" or "u256" or "Uint256" => new U256Type(name),
        "core::bool" or "bool" => new BoolType(name),
        "core::byte_array::ByteArray" or "ByteArray" => new ByteArrayType(name),
        "()" => new TupleType(name, []),
        _ => null,
    };

    private static string LastSegment(string path)
    {
        var index = path.LastIndexOf("::", StringComparison.Ordinal);
        return index < 0 ? path : path[(index + 2)..];
    }

    /// <summary>Splits "a, b::&lt;c, d&gt;, (e, f)" at top-level commas. Cairo 0 named tuple members
    /// ("x: felt") lose their names.</summary>
    internal static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '<' or '(' or '[': depth++; break;
                case '>' or ')' or ']': depth--; break;
                case ',' when depth == 0:
                    parts.Add(StripName(text[start..i]));
                    start = i + 1;
                    break;
            }
        }
        var last = text[start..].Trim();
        if (last.Length > 0)
        {
            parts.Add(StripName(last));
        }
        return parts;
    }

    private static string StripName(string part)
    {
        part = part.Trim();
        var colon = part.IndexOf(':');
        // "x: felt" (Cairo 0 named tuple) but not "core::felt252".
        return colon > 0 && (colon + 1 >= part.Length || part[colon + 1] != ':') && (colon == 0 || part[colon - 1] != ':')
            ? part[(colon + 1)..].Trim()
            : part;
    }
}
