using System.Numerics;
using Ciro.Starknet.Abi;
using CsCheck;

namespace Ciro.Starknet.Tests.Abi;

/// <summary>encode → decode is the identity for every Cairo type the decoder knows, and decoding consumes exactly
/// the felts encoding wrote (checked by appending a sentinel felt).</summary>
public sealed class CairoRoundTripProperties
{
    private static readonly Gen<Felt> GenFelt = Gen.Select(Gen.UInt128, Gen.UInt128[0, (UInt128.One << 123) + ((UInt128)17 << 64) - 1])
        .Select((low, high) => new Felt(high, low));

    private static Gen<(CairoType Type, object? Value)> Leaf() => Gen.OneOf(
        GenFelt.Select(f => ((CairoType)new FeltType("core::felt252", FeltKind.Felt252), (object?)f)),
        GenFelt.Select(f => ((CairoType)new FeltType("ContractAddress", FeltKind.ContractAddress), (object?)f)),
        Gen.Byte.Select(b => ((CairoType)new UnsignedType("u8", 8), (object?)(ulong)b)),
        Gen.UShort.Select(u => ((CairoType)new UnsignedType("u16", 16), (object?)(ulong)u)),
        Gen.UInt.Select(u => ((CairoType)new UnsignedType("u32", 32), (object?)(ulong)u)),
        Gen.ULong.Select(u => ((CairoType)new UnsignedType("u64", 64), (object?)u)),
        Gen.UInt128.Select(u => ((CairoType)new UnsignedType("u128", 128), (object?)u)),
        Gen.SByte.Select(i => ((CairoType)new SignedType("i8", 8), (object?)(long)i)),
        Gen.Int.Select(i => ((CairoType)new SignedType("i32", 32), (object?)(long)i)),
        Gen.Long.Select(i => ((CairoType)new SignedType("i64", 64), (object?)i)),
        Gen.Int128.Select(i => ((CairoType)new SignedType("i128", 128), (object?)i)),
        Gen.Select(Gen.UInt128, Gen.UInt128).Select((l, h) => ((CairoType)new U256Type("u256"), (object?)new U256(l, h))),
        Gen.Bool.Select(b => ((CairoType)new BoolType("bool"), (object?)b)),
        Gen.String.Select(s => ((CairoType)new ByteArrayType("ByteArray"), (object?)s)),
        Gen.Const(((CairoType)new TupleType("()", []), (object?)null)));

    /// <summary>Random type trees: arrays, tuples, structs, enums and options over the leaves, depth-limited.</summary>
    private static Gen<(CairoType Type, object? Value)> Any(int depth) => depth == 0 ? Leaf() : Gen.Frequency(
        (4, Leaf()),
        (1, ArrayOf(depth)),
        (1, Any(depth - 1).Array[1, 4].Select(parts => ((CairoType)new TupleType("tuple", parts.Select(p => p.Type).ToList()),
            (object?)parts.Select(p => p.Value).ToList()))),
        (1, Any(depth - 1).Array[1, 4].Select(parts => ((CairoType)new StructType("S",
                parts.Select((p, i) => new CairoMember($"f{i}", p.Type)).ToList()),
            (object?)new OrderedDictionary<string, object?>(parts.Select((p, i) => KeyValuePair.Create($"f{i}", p.Value)))))),
        (1, Gen.Select(Any(depth - 1).Array[1, 4], Gen.Int[0, 100]).Select((variants, pick) =>
        {
            var index = pick % variants.Length;
            var type = new EnumType("E", variants.Select((v, i) => new CairoMember($"V{i}", v.Type)).ToList());
            return ((CairoType)type, (object?)new CairoEnumValue($"V{index}", index, variants[index].Value));
        })),
        (1, Gen.Select(Any(depth - 1), Gen.Bool).Select((inner, some) => ((CairoType)new OptionType("Option", inner.Type),
            some && inner.Value is not null ? inner.Value : null))));

    /// <summary>Arrays need every element of one type: generate one element type, then values of it by
    /// re-encoding samples of that same generator until the type matches.</summary>
    private static Gen<(CairoType Type, object? Value)> ArrayOf(int depth) =>
        Leaf().Array[0, 5].Select(items =>
        {
            var elementType = items.Length > 0 ? items[0].Type : new UnsignedType("u8", 8);
            var values = items.Where(i => i.Type == elementType).Select(i => i.Value).ToList();
            return ((CairoType)new ArrayType("Array", elementType), (object?)values);
        });

    [Fact]
    public void Encode_then_decode_is_identity() => Any(3).Sample(pair =>
    {
        var felts = CairoEncoder.Encode(pair.Type, pair.Value).ToList();
        felts.Add(Felt.Parse("0x5e5e"));
        var reader = new FeltReader(felts);

        var decoded = CairoDecoder.Decode(pair.Type, reader);

        Assert.Equal(CairoJson.ToJson(pair.Value), CairoJson.ToJson(decoded));
        Assert.Equal(1, reader.Remaining);
    }, iter: 2000);

    [Fact]
    public void Decoding_random_felts_never_throws_anything_but_AbiException() => Gen.Select(Any(2), GenFelt.Array[0, 12])
        .Sample((pair, felts) =>
        {
            try
            {
                var value = CairoDecoder.Decode(pair.Type, felts);
                // Whatever decodes must survive another encode/decode unchanged. (Not "encodes to the same felts":
                // invalid UTF-8 in a ByteArray and Some(()) are lossy by design.)
                var again = CairoDecoder.Decode(pair.Type, CairoEncoder.Encode(pair.Type, value));
                Assert.Equal(CairoJson.ToJson(value), CairoJson.ToJson(again));
            }
            catch (AbiException)
            {
            }
        }, iter: 2000);

    [Fact]
    public void Felt_hex_and_bytes_round_trip() => GenFelt.Sample(felt =>
    {
        Assert.Equal(felt, Felt.Parse(felt.ToString()));
        Assert.Equal(felt, Felt.Parse(felt.ToPaddedHex().ToUpperInvariant().Replace("0X", "0x")));
        Assert.Equal(felt, Felt.FromBytes(felt.ToBytes()));
        Assert.True(Felt.TryParseUtf8(System.Text.Encoding.ASCII.GetBytes(felt.ToPaddedHex()), out var utf8) && utf8 == felt);
        Assert.Equal(felt, Felt.FromBigInteger(felt.ToBigInteger()));
    });

    [Fact]
    public void U256_round_trips_through_felts_and_decimal() => Gen.Select(Gen.UInt128, Gen.UInt128).Sample((low, high) =>
    {
        var value = new U256(low, high);
        var (l, h) = value.ToFelts();
        Assert.Equal(value, U256.FromFelts(l, h));
        Assert.Equal(value, U256.FromBigInteger(BigInteger.Parse(value.ToString())));
    });

    [Fact]
    public void ByteArray_round_trips_any_bytes() => Gen.Byte.Array[0, 100].Sample(bytes =>
    {
        var felts = CairoByteArray.Encode(bytes);
        var offset = 0;
        Assert.Equal(bytes, CairoByteArray.DecodeBytes(felts, ref offset));
        Assert.Equal(felts.Count, offset);
        Assert.Equal(bytes.Length / 31 + 3, felts.Count);
    });
}
