using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Chain;

/// <summary>
/// Felts stored as 8-byte codes so a million events fit in tens of megabytes instead of hundreds:
/// a value below 2^63 is its own code; anything larger (addresses, selectors, worker ids, big amounts)
/// is interned once and its code is the table index with the top bit set. Because small values are never
/// interned, two felts are equal exactly when their codes are equal, so filters compare codes.
/// </summary>
public sealed class FeltTable
{
    private const ulong InternedBit = 1UL << 63;
    private readonly record struct Entry(Felt Felt, byte[] HexUtf8);

    private readonly Dictionary<Felt, int> _index = new();
    private readonly Lock _gate = new();
    // Readers index this array without locking: a code is handed out only after its entry is written, and a
    // grown array is a copy that already holds every earlier entry.
    private Entry[] _entries = new Entry[256];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public ulong Encode(Felt felt)
    {
        if (felt.High == 0 && felt.Low < InternedBit)
        {
            return (ulong)felt.Low;
        }
        lock (_gate)
        {
            if (!_index.TryGetValue(felt, out var i))
            {
                i = _count;
                var entries = _entries;
                if (i == entries.Length)
                {
                    Array.Resize(ref entries, entries.Length * 2);
                }
                entries[i] = new Entry(felt, System.Text.Encoding.ASCII.GetBytes(felt.ToString()));
                Volatile.Write(ref _entries, entries);
                _index[felt] = i;
                Volatile.Write(ref _count, i + 1);
            }
            return InternedBit | (uint)i;
        }
    }

    /// <summary>The code of a felt if one exists; a filter value that was never interned matches nothing.</summary>
    public bool TryGetCode(Felt felt, out ulong code)
    {
        if (felt.High == 0 && felt.Low < InternedBit)
        {
            code = (ulong)felt.Low;
            return true;
        }
        lock (_gate)
        {
            if (_index.TryGetValue(felt, out var i))
            {
                code = InternedBit | (uint)i;
                return true;
            }
        }
        code = 0;
        return false;
    }

    public static bool IsSmall(ulong code) => (code & InternedBit) == 0;

    public Felt Decode(ulong code) =>
        (code & InternedBit) == 0 ? code : Volatile.Read(ref _entries)[(int)(code & ~InternedBit)].Felt;

    /// <summary>Writes "0x…" for a code into <paramref name="buffer"/> (at least 66 bytes) and returns its length.</summary>
    public int FormatUtf8(ulong code, Span<byte> buffer)
    {
        if ((code & InternedBit) == 0)
        {
            return HexFormat.FormatUInt64(code, buffer);
        }
        var hex = Volatile.Read(ref _entries)[(int)(code & ~InternedBit)].HexUtf8;
        hex.CopyTo(buffer);
        return hex.Length;
    }
}

/// <summary>Allocation-free hex formatting for the JSON writers (the hot path of getEvents).</summary>
public static class HexFormat
{
    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    public static int FormatUInt64(ulong value, Span<byte> buffer)
    {
        buffer[0] = (byte)'0';
        buffer[1] = (byte)'x';
        if (value == 0)
        {
            buffer[2] = (byte)'0';
            return 3;
        }
        var nibbles = (67 - BitOperations.LeadingZeroCount(value)) / 4;
        for (var i = nibbles - 1; i >= 0; i--)
        {
            buffer[2 + i] = Digits[(int)(value & 0xF)];
            value >>= 4;
        }
        return 2 + nibbles;
    }

    public static int FormatFelt(Felt felt, Span<byte> buffer)
    {
        if (felt.High == 0 && felt.Low <= ulong.MaxValue)
        {
            return FormatUInt64((ulong)felt.Low, buffer);
        }
        buffer[0] = (byte)'0';
        buffer[1] = (byte)'x';
        var length = 2;
        var started = false;
        Span<byte> raw = stackalloc byte[32];
        felt.WriteBytes(raw);
        foreach (var b in raw)
        {
            var hi = b >> 4;
            if (started || hi != 0)
            {
                buffer[length++] = Digits[hi];
                started = true;
            }
            var lo = b & 0xF;
            if (started || lo != 0)
            {
                buffer[length++] = Digits[lo];
                started = true;
            }
        }
        return length;
    }
}

/// <summary>
/// The simulator's stand-in for Starknet's Pedersen/Poseidon hashes: SHA-256 truncated to 250 bits.
/// Values only need to be deterministic, unique and felt-shaped; nothing verifies them against a real chain.
/// </summary>
public static class FeltHash
{
    public static Felt Of(ReadOnlySpan<ulong> words)
    {
        var byteCount = words.Length * 8;
        var rented = byteCount <= 512 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount);
        Span<byte> input = rented is null ? stackalloc byte[512] : rented;
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(input[(i * 8)..], words[i]);
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..byteCount], hash);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
        hash[0] &= 0x03;
        return Felt.FromBytes(hash);
    }

    public static Felt Of(ulong a, ulong b, ulong c = 0, ulong d = 0) => Of([a, b, c, d]);

    /// <summary>Appends a felt's four 64-bit limbs (big-endian order) to a hash input.</summary>
    public static void AddFelt(List<ulong> words, Felt felt)
    {
        words.Add((ulong)(felt.High >> 64));
        words.Add((ulong)felt.High);
        words.Add((ulong)(felt.Low >> 64));
        words.Add((ulong)felt.Low);
    }
}
