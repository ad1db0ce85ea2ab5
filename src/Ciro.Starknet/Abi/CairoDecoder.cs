using System.Numerics;

namespace Ciro.Starknet.Abi;

/// <summary>Decodes Serde felts into typed values:
/// felt252/ContractAddress/ClassHash → <see cref="Felt"/>; u8–u64 → ulong; u128 → UInt128; i8–i64 → long;
/// i128 → Int128; u256 → <see cref="U256"/>; bool → bool; ByteArray → string; Array/Span/tuple →
/// IReadOnlyList&lt;object?&gt;; struct → ordered IReadOnlyDictionary&lt;string, object?&gt;;
/// enum → <see cref="CairoEnumValue"/>; Option → the value or null; () → null.
/// Every value is range-checked: a felt that does not fit its declared type is an error, not a wrong number.</summary>
public static class CairoDecoder
{
    private static readonly BigInteger HalfPrime = Felt.Prime / 2;

    public static object? Decode(CairoType type, FeltReader reader) => type switch
    {
        FeltType => reader.Next(),
        UnsignedType u => DecodeUnsigned(u, reader.Next()),
        SignedType s => DecodeSigned(s, reader.Next()),
        U256Type => DecodeU256(reader),
        BoolType => DecodeBool(reader.Next()),
        ByteArrayType => DecodeByteArray(reader),
        ArrayType a => DecodeArray(a, reader),
        TupleType { Elements.Count: 0 } => null,
        TupleType t => t.Elements.Select(e => Decode(e, reader)).ToList(),
        OptionType o => DecodeOption(o, reader),
        StructType s => DecodeStruct(s, reader),
        EnumType e => DecodeEnum(e, reader),
        _ => throw new AbiException($"no decoder for {type}"),
    };

    public static object? Decode(CairoType type, IReadOnlyList<Felt> felts)
    {
        var reader = new FeltReader(felts);
        var value = Decode(type, reader);
        return reader.AtEnd ? value : throw new AbiException($"{reader.Remaining} felts left after decoding {type}");
    }

    private static object DecodeUnsigned(UnsignedType type, Felt felt)
    {
        if (felt.High != 0 || (type.Bits < 128 && felt.Low >> type.Bits != 0))
        {
            throw new AbiException($"{felt} does not fit {type.Name}");
        }
        return type.Bits == 128 ? felt.Low : (object)(ulong)felt.Low;
    }

    private static object DecodeSigned(SignedType type, Felt felt)
    {
        var value = felt.ToBigInteger();
        if (value > HalfPrime)
        {
            value -= Felt.Prime;
        }
        var limit = BigInteger.One << (type.Bits - 1);
        if (value < -limit || value >= limit)
        {
            throw new AbiException($"{felt} does not fit {type.Name}");
        }
        return type.Bits == 128 ? (Int128)value : (object)(long)value;
    }

    private static U256 DecodeU256(FeltReader reader)
    {
        var low = reader.Next();
        var high = reader.Next();
        if (low.High != 0 || high.High != 0)
        {
            throw new AbiException($"u256 halves must be below 2^128, got low {low}, high {high}");
        }
        return new U256(low.Low, high.Low);
    }

    private static bool DecodeBool(Felt felt) =>
        felt.IsZero ? false : felt == Felt.One ? true : throw new AbiException($"{felt} is not a bool (0 or 1)");

    private static string DecodeByteArray(FeltReader reader)
    {
        var offset = reader.Position;
        try
        {
            var text = CairoByteArray.Decode(reader.Felts, ref offset);
            reader.Position = offset;
            return text;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new AbiException($"bad ByteArray: {ex.Message}", ex);
        }
    }

    private static List<object?> DecodeArray(ArrayType type, FeltReader reader)
    {
        var lengthFelt = reader.Next();
        // Each element takes at least one felt (unless it is ()), so a longer claimed length is corrupt data,
        // and refusing it early avoids allocating for a bogus 2^60-element array.
        var minimumWidth = type.Element is TupleType { Elements.Count: 0 } ? 0 : 1;
        if (lengthFelt.High != 0 || lengthFelt.Low > (UInt128)int.MaxValue
            || (minimumWidth > 0 && (int)lengthFelt.Low > reader.Remaining))
        {
            throw new AbiException($"array length {lengthFelt} exceeds the {reader.Remaining} felts left");
        }
        var length = (int)lengthFelt.Low;
        var items = new List<object?>(length);
        for (var i = 0; i < length; i++)
        {
            items.Add(Decode(type.Element, reader));
        }
        return items;
    }

    private static object? DecodeOption(OptionType type, FeltReader reader) => reader.Next() switch
    {
        var v when v.IsZero => Decode(type.Inner, reader),
        var v when v == Felt.One => null,
        var v => throw new AbiException($"{v} is not an Option variant (0 = Some, 1 = None)"),
    };

    private static OrderedDictionary<string, object?> DecodeStruct(StructType type, FeltReader reader)
    {
        var fields = new OrderedDictionary<string, object?>(type.Members.Count, StringComparer.Ordinal);
        foreach (var member in type.Members)
        {
            fields[member.Name] = Decode(member.Type, reader);
        }
        return fields;
    }

    private static CairoEnumValue DecodeEnum(EnumType type, FeltReader reader)
    {
        var index = reader.Next();
        if (index.High != 0 || index.Low >= (UInt128)type.Variants.Count)
        {
            throw new AbiException($"{index} is not a variant index of {type.Name} ({type.Variants.Count} variants)");
        }
        var variant = type.Variants[(int)index.Low];
        return new CairoEnumValue(variant.Name, (int)index.Low, Decode(variant.Type, reader));
    }
}
