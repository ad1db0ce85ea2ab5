using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ciro.Starknet;

/// <summary>
/// A Starknet field element (0 ≤ x &lt; P, P = 2^251 + 17·2^192 + 1).
/// Nodes write felts in either case and with or without leading zeros; a Felt is the normalised value,
/// so two spellings of one address compare equal. <see cref="ToString"/> is lowercase hex without leading zeros.
/// </summary>
[JsonConverter(typeof(FeltJsonConverter))]
public readonly struct Felt : IEquatable<Felt>, IComparable<Felt>
{
    /// <summary>High 128 bits of the P = 2^251 + 17·2^192 + 1; its low 128 bits are 1.</summary>
    private static readonly UInt128 PrimeHigh = (UInt128.One << 123) + ((UInt128)17 << 64);

    public static readonly BigInteger Prime = (BigInteger.One << 251) + 17 * (BigInteger.One << 192) + 1;
    public static readonly Felt Zero = default;
    public static readonly Felt One = new(0, 1);

    public UInt128 High { get; }
    public UInt128 Low { get; }

    public Felt(UInt128 high, UInt128 low)
    {
        if (high > PrimeHigh || (high == PrimeHigh && low >= UInt128.One))
        {
            throw new ArgumentOutOfRangeException(nameof(high), "value is not below the Starknet prime");
        }
        High = high;
        Low = low;
    }

    public bool IsZero => High == UInt128.Zero && Low == UInt128.Zero;

    public static implicit operator Felt(ulong value) => new(0, value);

    public static Felt FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0 || value >= Prime)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "felt must be in [0, P)");
        }
        var low = (UInt128)(value & ((BigInteger.One << 128) - 1));
        var high = (UInt128)(value >> 128);
        return new Felt(high, low);
    }

    public BigInteger ToBigInteger() => ((BigInteger)High << 128) | (BigInteger)Low;

    /// <summary>The value as an unsigned 64-bit integer; throws when it does not fit (u8..u64 fields).</summary>
    public ulong ToUInt64() => High == 0 && Low <= ulong.MaxValue
        ? (ulong)Low
        : throw new OverflowException($"felt {this} does not fit in u64");

    public UInt128 ToUInt128() => High == 0 ? Low : throw new OverflowException($"felt {this} does not fit in u128");

    /// <summary>Parses "0x…" hex (any case, any leading zeros) or a decimal string.</summary>
    public static Felt Parse(string text) => TryParse(text, out var felt)
        ? felt
        : throw new FormatException($"'{Truncate(text)}' is not a felt (expected 0x-prefixed hex or decimal below P)");

    public static bool TryParse(ReadOnlySpan<char> text, out Felt felt)
    {
        felt = default;
        text = text.Trim();
        if (text.Length == 0)
        {
            return false;
        }
        if (text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        {
            var digits = text[2..];
            while (digits.Length > 1 && digits[0] == '0')
            {
                digits = digits[1..];
            }
            return TryParseHexDigits(digits, out felt);
        }
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        var value = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        if (value >= Prime)
        {
            return false;
        }
        felt = FromBigInteger(value);
        return true;
    }

    /// <summary>Parses UTF-8 "0x…" hex straight from a JSON buffer: the indexer reads millions of felts and a
    /// string per felt would dominate its allocations. Decimal input falls back to the char parser.</summary>
    public static bool TryParseUtf8(ReadOnlySpan<byte> utf8, out Felt felt)
    {
        felt = default;
        if (utf8.Length > 2 && utf8[0] == (byte)'0' && (utf8[1] == (byte)'x' || utf8[1] == (byte)'X'))
        {
            var digits = utf8[2..];
            while (digits.Length > 1 && digits[0] == (byte)'0')
            {
                digits = digits[1..];
            }
            return TryParseHexDigits(digits, out felt);
        }
        if (utf8.Length > 100)
        {
            return false;
        }
        Span<char> chars = stackalloc char[utf8.Length];
        for (var i = 0; i < utf8.Length; i++)
        {
            chars[i] = (char)utf8[i];
        }
        return TryParse(chars, out felt);
    }

    /// <summary>Up to 64 hex digits (no prefix) → felt, as four 64-bit words of up to 16 digits each through a
    /// 256-entry table: the runtime's UInt128 parser (which replaced a UInt128 nibble loop) was still the largest
    /// single cost of parsing a block, and a generic parser checks signs, styles and overflow a felt never needs.</summary>
    private static bool TryParseHexDigits<TChar>(ReadOnlySpan<TChar> digits, out Felt felt)
        where TChar : unmanaged, IEquatable<TChar>
    {
        felt = default;
        if (digits.Length is 0 or > 64)
        {
            return false;
        }
        Span<ulong> words = stackalloc ulong[4]; // most significant first
        var end = digits.Length;
        for (var w = 3; w >= 0 && end > 0; w--)
        {
            var start = Math.Max(0, end - 16);
            if (!TryParseWord(digits[start..end], out words[w]))
            {
                return false;
            }
            end = start;
        }
        var high = new UInt128(words[0], words[1]);
        var low = new UInt128(words[2], words[3]);
        if (high > PrimeHigh || (high == PrimeHigh && low >= UInt128.One))
        {
            return false;
        }
        felt = new Felt(high, low);
        return true;
    }

    /// <summary>1..16 hex digits → one 64-bit word; false on any non-hex character.</summary>
    private static bool TryParseWord<TChar>(ReadOnlySpan<TChar> digits, out ulong value)
        where TChar : unmanaged, IEquatable<TChar>
    {
        ReadOnlySpan<byte> table = HexValues;
        ulong v = 0;
        var bad = 0;
        if (typeof(TChar) == typeof(byte))
        {
            foreach (var b in System.Runtime.InteropServices.MemoryMarshal.Cast<TChar, byte>(digits))
            {
                var h = table[b];
                bad |= h;
                v = (v << 4) | (uint)(h & 0xF);
            }
        }
        else
        {
            foreach (var c in System.Runtime.InteropServices.MemoryMarshal.Cast<TChar, char>(digits))
            {
                var h = c < 256 ? table[c] : 0xFF;
                bad |= h;
                v = (v << 4) | (uint)(h & 0xF);
            }
        }
        value = v;
        return (bad & 0xF0) == 0;
    }

    /// <summary>Hex digit value of each byte, 0xFF for anything that is not [0-9a-fA-F].</summary>
    private static ReadOnlySpan<byte> HexValues =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 10, 11, 12, 13, 14, 15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 10, 11, 12, 13, 14, 15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];

    public override string ToString()
    {
        if (High == 0)
        {
            return "0x" + Low.ToString("x", CultureInfo.InvariantCulture);
        }
        return "0x" + High.ToString("x", CultureInfo.InvariantCulture) + Low.ToString("x32", CultureInfo.InvariantCulture);
    }

    /// <summary>Fixed-width form (0x + 64 hex digits), as explorers and some ABIs print addresses.</summary>
    public string ToPaddedHex() =>
        "0x" + High.ToString("x32", CultureInfo.InvariantCulture) + Low.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>Big-endian 32 bytes: the storage form in PostgreSQL (bytea) and the input of hashes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[32];
        WriteBytes(bytes);
        return bytes;
    }

    public void WriteBytes(Span<byte> destination)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(destination[..16], High);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(destination[16..32], Low);
    }

    public static Felt FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 32)
        {
            throw new ArgumentException($"a felt has at most 32 bytes, got {bytes.Length}", nameof(bytes));
        }
        Span<byte> padded = stackalloc byte[32];
        bytes.CopyTo(padded[(32 - bytes.Length)..]);
        return new Felt(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(padded[..16]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(padded[16..]));
    }

    /// <summary>Short strings (Cairo 'abc' literals) are ASCII packed big-endian into one felt.</summary>
    public string ToShortString()
    {
        var bytes = ToBytes().AsSpan().TrimStart((byte)0);
        return System.Text.Encoding.ASCII.GetString(bytes);
    }

    public static Felt FromShortString(string text)
    {
        if (text.Length > 31)
        {
            throw new ArgumentException($"a short string holds at most 31 characters, '{Truncate(text)}' has {text.Length}", nameof(text));
        }
        return FromBytes(System.Text.Encoding.ASCII.GetBytes(text));
    }

    public bool Equals(Felt other) => High == other.High && Low == other.Low;
    public override bool Equals(object? obj) => obj is Felt other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(High, Low);
    public int CompareTo(Felt other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);
    public static bool operator ==(Felt left, Felt right) => left.Equals(right);
    public static bool operator !=(Felt left, Felt right) => !left.Equals(right);

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";
}

public sealed class FeltJsonConverter : JsonConverter<Felt>
{
    public override Felt Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"expected a felt as a hex string, got {reader.TokenType}");
        }
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            if (Felt.TryParseUtf8(reader.ValueSpan, out var fast))
            {
                return fast;
            }
        }
        var text = reader.GetString()!;
        return Felt.TryParse(text, out var felt) ? felt : throw new JsonException($"'{text}' is not a felt");
    }

    public override void Write(Utf8JsonWriter writer, Felt value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
