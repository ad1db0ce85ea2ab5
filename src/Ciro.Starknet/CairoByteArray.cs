using System.Text;

namespace Ciro.Starknet;

/// <summary>Cairo's ByteArray serialisation: [n, word_1 … word_n (31 bytes each), pending_word, pending_len].
/// Strings are UTF-8; invalid sequences decode to U+FFFD rather than failing an event.</summary>
public static class CairoByteArray
{
    public const int WordBytes = 31;

    public static IReadOnlyList<Felt> Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));

    public static IReadOnlyList<Felt> Encode(ReadOnlySpan<byte> bytes)
    {
        var fullWords = bytes.Length / WordBytes;
        var felts = new List<Felt>(fullWords + 3) { (ulong)fullWords };
        for (var i = 0; i < fullWords; i++)
        {
            felts.Add(Felt.FromBytes(bytes.Slice(i * WordBytes, WordBytes)));
        }
        var pending = bytes[(fullWords * WordBytes)..];
        felts.Add(Felt.FromBytes(pending));
        felts.Add((ulong)pending.Length);
        return felts;
    }

    /// <summary>Reads one ByteArray starting at <paramref name="offset"/>; returns the bytes and advances offset.</summary>
    public static byte[] DecodeBytes(IReadOnlyList<Felt> felts, ref int offset)
    {
        var fullWords = Take(felts, ref offset).ToUInt64();
        if (fullWords > (ulong)(felts.Count - offset))
        {
            throw new FormatException($"ByteArray claims {fullWords} words but only {felts.Count - offset} felts remain");
        }
        var bytes = new byte[(int)fullWords * WordBytes + WordBytes];
        Span<byte> word = stackalloc byte[32];
        for (var i = 0; i < (int)fullWords; i++)
        {
            var felt = Take(felts, ref offset);
            felt.WriteBytes(word);
            if (word[0] != 0)
            {
                throw new FormatException($"ByteArray word {felt} is longer than 31 bytes");
            }
            word[1..].CopyTo(bytes.AsSpan(i * WordBytes));
        }
        var pendingWord = Take(felts, ref offset);
        var pendingLength = Take(felts, ref offset).ToUInt64();
        if (pendingLength >= WordBytes)
        {
            throw new FormatException($"ByteArray pending length {pendingLength} is not below 31");
        }
        pendingWord.WriteBytes(word);
        var used = word[(32 - (int)pendingLength)..];
        if (word[..(32 - (int)pendingLength)].IndexOfAnyExcept((byte)0) >= 0)
        {
            throw new FormatException($"ByteArray pending word {pendingWord} has more than {pendingLength} bytes");
        }
        used.CopyTo(bytes.AsSpan((int)fullWords * WordBytes));
        return bytes[..((int)fullWords * WordBytes + (int)pendingLength)];
    }

    public static string Decode(IReadOnlyList<Felt> felts, ref int offset) => Encoding.UTF8.GetString(DecodeBytes(felts, ref offset));

    public static string Decode(IReadOnlyList<Felt> felts)
    {
        var offset = 0;
        var text = Decode(felts, ref offset);
        return offset == felts.Count ? text : throw new FormatException($"{felts.Count - offset} felts left after the ByteArray");
    }

    private static Felt Take(IReadOnlyList<Felt> felts, ref int offset) =>
        offset < felts.Count ? felts[offset++] : throw new FormatException("ByteArray ends early");
}
