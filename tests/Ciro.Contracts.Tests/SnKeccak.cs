using System.Buffers.Binary;
using System.Text;

namespace Ciro.Contracts.Tests;

/// <summary>
/// sn_keccak: Keccak-256 (original padding, not SHA3) of the ASCII name, keeping the low 250 bits.
/// Self-contained so this project checks selectors without depending on the product code.
/// </summary>
public static class SnKeccak
{
    private static readonly ulong[] RoundConstants =
    [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ];

    // Rotation offsets indexed x + 5y.
    private static readonly int[] Rotations =
    [
        0, 1, 62, 28, 27,
        36, 44, 6, 55, 20,
        3, 10, 43, 25, 39,
        41, 45, 15, 21, 8,
        18, 2, 61, 56, 14,
    ];

    public static string Selector(string name)
    {
        var hash = Keccak256(Encoding.ASCII.GetBytes(name));
        hash[0] &= 0x03; // 256 - 250 = 6 high bits cleared
        return Normalize("0x" + Convert.ToHexString(hash));
    }

    /// <summary>Lower-case hex without leading zeros, so felts compare regardless of padding.</summary>
    public static string Normalize(string hex)
    {
        var digits = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;
        digits = digits.TrimStart('0').ToLowerInvariant();
        return "0x" + (digits.Length == 0 ? "0" : digits);
    }

    public static byte[] Keccak256(byte[] input)
    {
        const int rate = 136;
        var padded = new byte[(input.Length / rate + 1) * rate];
        input.CopyTo(padded, 0);
        padded[input.Length] ^= 0x01;
        padded[^1] ^= 0x80;

        var state = new ulong[25];
        for (var offset = 0; offset < padded.Length; offset += rate)
        {
            for (var i = 0; i < rate / 8; i++)
            {
                state[i] ^= BinaryPrimitives.ReadUInt64LittleEndian(padded.AsSpan(offset + 8 * i, 8));
            }

            Permute(state);
        }

        var output = new byte[32];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(output.AsSpan(8 * i, 8), state[i]);
        }

        return output;
    }

    private static void Permute(ulong[] a)
    {
        var c = new ulong[5];
        var b = new ulong[25];
        foreach (var rc in RoundConstants)
        {
            for (var x = 0; x < 5; x++)
            {
                c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
            }

            for (var x = 0; x < 5; x++)
            {
                var d = c[(x + 4) % 5] ^ ulong.RotateLeft(c[(x + 1) % 5], 1);
                for (var y = 0; y < 25; y += 5)
                {
                    a[x + y] ^= d;
                }
            }

            for (var x = 0; x < 5; x++)
            {
                for (var y = 0; y < 5; y++)
                {
                    b[y + 5 * ((2 * x + 3 * y) % 5)] = ulong.RotateLeft(a[x + 5 * y], Rotations[x + 5 * y]);
                }
            }

            for (var x = 0; x < 5; x++)
            {
                for (var y = 0; y < 25; y += 5)
                {
                    a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
                }
            }

            a[0] ^= rc;
        }
    }
}
