using System.Collections;
using System.Numerics;

namespace Ciro.Starknet.Abi;

/// <summary>The inverse of <see cref="CairoDecoder"/>: typed values → Serde felts. Used to build test events and
/// calldata; accepts the same value shapes the decoder produces (and plain integers where they fit).</summary>
public static class CairoEncoder
{
    public static IReadOnlyList<Felt> Encode(CairoType type, object? value)
    {
        var felts = new List<Felt>();
        Encode(type, value, felts);
        return felts;
    }

    public static void Encode(CairoType type, object? value, List<Felt> output)
    {
        switch (type)
        {
            case FeltType:
                output.Add(value is Felt f ? f : Felt.FromBigInteger(ToBig(value)));
                break;
            case UnsignedType u:
                output.Add(Felt.FromBigInteger(CheckRange(ToBig(value), BigInteger.Zero, BigInteger.One << u.Bits, u.Name)));
                break;
            case SignedType s:
                var signed = CheckRange(ToBig(value), -(BigInteger.One << (s.Bits - 1)), BigInteger.One << (s.Bits - 1), s.Name);
                output.Add(Felt.FromBigInteger(signed.Sign < 0 ? signed + Felt.Prime : signed));
                break;
            case U256Type:
                var u256 = value is U256 v ? v : U256.FromBigInteger(ToBig(value));
                output.Add(new Felt(0, u256.Low));
                output.Add(new Felt(0, u256.High));
                break;
            case BoolType:
                output.Add(value is true ? Felt.One : value is false ? Felt.Zero : throw new AbiException($"{value} is not a bool"));
                break;
            case ByteArrayType:
                output.AddRange(CairoByteArray.Encode(value as string ?? throw new AbiException("ByteArray needs a string")));
                break;
            case ArrayType a:
                var items = AsList(value, a.Name);
                output.Add((ulong)items.Count);
                foreach (var item in items)
                {
                    Encode(a.Element, item, output);
                }
                break;
            case TupleType { Elements.Count: 0 }:
                break;
            case TupleType t:
                var elements = AsList(value, t.Name);
                if (elements.Count != t.Elements.Count)
                {
                    throw new AbiException($"{t.Name} has {t.Elements.Count} elements, got {elements.Count}");
                }
                for (var i = 0; i < elements.Count; i++)
                {
                    Encode(t.Elements[i], elements[i], output);
                }
                break;
            case OptionType o:
                if (value is null)
                {
                    output.Add(Felt.One);
                }
                else
                {
                    output.Add(Felt.Zero);
                    Encode(o.Inner, value, output);
                }
                break;
            case StructType s:
                var fields = value as IReadOnlyDictionary<string, object?> ?? throw new AbiException($"{s.Name} needs a field dictionary");
                foreach (var member in s.Members)
                {
                    Encode(member.Type, fields.TryGetValue(member.Name, out var field) ? field : throw new AbiException($"{s.Name}.{member.Name} missing"), output);
                }
                break;
            case EnumType e:
                var enumValue = value as CairoEnumValue ?? throw new AbiException($"{e.Name} needs a CairoEnumValue");
                var index = e.Variants.ToList().FindIndex(v => v.Name == enumValue.Variant);
                if (index < 0)
                {
                    throw new AbiException($"{e.Name} has no variant {enumValue.Variant}");
                }
                output.Add((ulong)index);
                Encode(e.Variants[index].Type, enumValue.Payload, output);
                break;
            default:
                throw new AbiException($"no encoder for {type}");
        }
    }

    private static IReadOnlyList<object?> AsList(object? value, string typeName) => value switch
    {
        IReadOnlyList<object?> list => list,
        IEnumerable enumerable and not string => enumerable.Cast<object?>().ToList(),
        _ => throw new AbiException($"{typeName} needs a list"),
    };

    private static BigInteger CheckRange(BigInteger value, BigInteger min, BigInteger maxExclusive, string name) =>
        value >= min && value < maxExclusive ? value : throw new AbiException($"{value} does not fit {name}");

    private static BigInteger ToBig(object? value) => value switch
    {
        Felt f => f.ToBigInteger(),
        BigInteger b => b,
        ulong u => u,
        long l => l,
        int i => i,
        uint ui => ui,
        UInt128 u128 => u128,
        Int128 i128 => i128,
        byte b8 => b8,
        ushort u16 => u16,
        U256 u256 => u256.ToBigInteger(),
        string s when Felt.TryParse(s, out var parsed) => parsed.ToBigInteger(),
        _ => throw new AbiException($"cannot encode {value ?? "null"} ({value?.GetType().Name}) as an integer"),
    };
}
