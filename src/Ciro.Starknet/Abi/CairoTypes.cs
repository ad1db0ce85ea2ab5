namespace Ciro.Starknet.Abi;

/// <summary>A Cairo type as far as Serde (felt serialisation) is concerned. Decoded values are typed .NET values:
/// see <see cref="CairoDecoder"/> for the mapping.</summary>
public abstract record CairoType(string Name)
{
    public override string ToString() => Name;
}

/// <summary>One felt carried as is: felt252, ContractAddress, ClassHash, StorageAddress, EthAddress, bytes31.</summary>
public sealed record FeltType(string Name, FeltKind Kind) : CairoType(Name);

public enum FeltKind
{
    Felt252,
    ContractAddress,
    ClassHash,
    StorageAddress,
    EthAddress,
    Bytes31,
}

/// <summary>u8, u16, u32, u64, u128 (usize is u32): one felt below 2^Bits.</summary>
public sealed record UnsignedType(string Name, int Bits) : CairoType(Name);

/// <summary>i8 … i128: one felt; a negative x is written as P + x.</summary>
public sealed record SignedType(string Name, int Bits) : CairoType(Name);

/// <summary>u256: two felts, low 128 bits then high 128 bits.</summary>
public sealed record U256Type(string Name) : CairoType(Name);

/// <summary>bool: one felt, 0 or 1 (an enum False/True in the ABI).</summary>
public sealed record BoolType(string Name) : CairoType(Name);

/// <summary>ByteArray: [n full 31-byte words, …words, pending word, pending length].</summary>
public sealed record ByteArrayType(string Name) : CairoType(Name);

/// <summary>Array&lt;T&gt; or Span&lt;T&gt;: a length felt then the elements.</summary>
public sealed record ArrayType(string Name, CairoType Element) : CairoType(Name);

/// <summary>Tuples, including the unit type () which takes no felts.</summary>
public sealed record TupleType(string Name, IReadOnlyList<CairoType> Elements) : CairoType(Name);

/// <summary>Option&lt;T&gt;: variant index 0 = Some(T), 1 = None. Decoded as the value or null.</summary>
public sealed record OptionType(string Name, CairoType Inner) : CairoType(Name);

public sealed record StructType(string Name, IReadOnlyList<CairoMember> Members) : CairoType(Name);

/// <summary>An enum: one felt with the variant index, then that variant's payload.</summary>
public sealed record EnumType(string Name, IReadOnlyList<CairoMember> Variants) : CairoType(Name);

public sealed record CairoMember(string Name, CairoType Type);

/// <summary>A decoded enum value. Payload is null for unit variants.</summary>
public sealed record CairoEnumValue(string Variant, int Index, object? Payload)
{
    public override string ToString() => Payload is null ? Variant : $"{Variant}({Payload})";
}
