using System.Text;

namespace Ciro.Starknet;

/// <summary>Cairo's ByteArray serialisation: [n, word_1 … word_n (31 bytes each), pending_word, pending_len].
/// Strings are UTF-8; invalid sequences and NUL decode to U+FFFD rather than failing an event or the database
/// (<see cref="ChainText"/>). A claimed length is checked against the felts present before anything is allocated.</summary>
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
        var count = Take(felts, ref offset);
        // Each word is one felt and two more (pending word, length) follow: a larger claim is corrupt, and checking
        // it here keeps a hostile 2^60 from becoming an allocation.
        if (count.High != 0 || count.Low > (UInt128)(felts.Count - offset))
        {
            throw new FormatException($"ByteArray claims {count} words but only {felts.Count - offset} felts remain");
        }
        var fullWords = (int)count.Low;
        var bytes = new byte[checked(fullWords * WordBytes + WordBytes)];
        Span<byte> word = stackalloc byte[32];
        for (var i = 0; i < fullWords; i++)
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
        var pendingFelt = Take(felts, ref offset);
        if (pendingFelt.High != 0 || pendingFelt.Low >= WordBytes)
        {
            throw new FormatException($"ByteArray pending length {pendingFelt} is not below 31");
        }
        var pendingLength = (int)pendingFelt.Low;
        pendingWord.WriteBytes(word);
        var used = word[(32 - pendingLength)..];
        if (word[..(32 - pendingLength)].IndexOfAnyExcept((byte)0) >= 0)
        {
            throw new FormatException($"ByteArray pending word {pendingWord} has more than {pendingLength} bytes");
        }
        used.CopyTo(bytes.AsSpan(fullWords * WordBytes));
        return bytes[..(fullWords * WordBytes + pendingLength)];
    }

    public static string Decode(IReadOnlyList<Felt> felts, ref int offset) => ChainText.FromUtf8(DecodeBytes(felts, ref offset));

    public static string Decode(IReadOnlyList<Felt> felts)
    {
        var offset = 0;
        var text = Decode(felts, ref offset);
        return offset == felts.Count ? text : throw new FormatException($"{felts.Count - offset} felts left after the ByteArray");
    }

    private static Felt Take(IReadOnlyList<Felt> felts, ref int offset) =>
        offset < felts.Count ? felts[offset++] : throw new FormatException("ByteArray ends early");
}
