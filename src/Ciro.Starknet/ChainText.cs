using System.Text;

namespace Ciro.Starknet;

/// <summary>The one rule for text that comes from the chain (ByteArray strings, revert reasons): what PostgreSQL
/// text and jsonb cannot hold becomes U+FFFD (the replacement character). That is U+0000 (NUL), unpaired UTF-16
/// surrogates, and — when decoding bytes — invalid UTF-8. The raw felts stay in the event's keys/data, so nothing
/// is lost that the chain still has; the stored string is what every reader (API, dashboard) sees.</summary>
public static class ChainText
{
    public const char Replacement = '\uFFFD';

    /// <summary>Bytes to text under the rule: invalid UTF-8 and NUL become U+FFFD.</summary>
    public static string FromUtf8(ReadOnlySpan<byte> bytes) => Clean(Encoding.UTF8.GetString(bytes))!;

    /// <summary>Returns <paramref name="text"/> itself when it is already storable (the common case: no copy).</summary>
    public static string? Clean(string? text)
    {
        if (text is null || IsStorable(text))
        {
            return text;
        }
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                if (c == '\0')
                {
                    span[i] = Replacement;
                }
                else if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
                {
                    span[i] = c;
                    span[i + 1] = source[i + 1];
                    i++;
                }
                else
                {
                    span[i] = char.IsSurrogate(c) ? Replacement : c;
                }
            }
        });
    }

    public static bool IsStorable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return false;
            }
            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }
                i++;
            }
        }
        return true;
    }
}
