using System.Text;

namespace Ciro.Alerts.Notifiers;

/// <summary>Telegram's HTML parse mode: escaping user text and cutting a message to its limit without leaving a
/// broken entity, a half tag or an unclosed tag behind (any of which Telegram refuses with "can't parse entities").</summary>
public static class TelegramHtml
{
    /// <summary>Characters of one message (Telegram counts after parsing; the HTML is never shorter, so a cut HTML
    /// text of this length always fits).</summary>
    public const int MaxLength = 4096;

    /// <summary><paramref name="text"/> safe inside HTML text and attribute values: &amp;, &lt;, &gt; and &quot; as entities.</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    /// <summary><paramref name="html"/> (well-formed Telegram HTML) cut to at most <paramref name="max"/> characters:
    /// it walks tags, entities and characters (a surrogate pair is one), stops before the first that would not leave
    /// room for "…" and the closing tags of what is open, then closes them. Unchanged when it fits.</summary>
    public static string Truncate(string html, int max = MaxLength)
    {
        if (html.Length <= max)
        {
            return html;
        }
        const string ellipsis = "…";
        var open = new Stack<string>();
        var closing = 0; // length of "</name>" for every open tag
        var kept = new StringBuilder(max);
        for (var i = 0; i < html.Length;)
        {
            var token = NextToken(html, i);
            var (opens, closes) = TagOf(token);
            var closingAfter = closing + (opens is null ? 0 : opens.Length + 3) - (closes is null ? 0 : closes.Length + 3);
            if (kept.Length + token.Length + ellipsis.Length + closingAfter > max)
            {
                break;
            }
            kept.Append(token);
            if (opens is not null)
            {
                open.Push(opens);
            }
            else if (closes is not null && open.Count > 0)
            {
                open.Pop();
            }
            closing = closingAfter;
            i += token.Length;
        }
        kept.Append(ellipsis);
        while (open.Count > 0)
        {
            kept.Append("</").Append(open.Pop()).Append('>');
        }
        return kept.ToString();
    }

    /// <summary>A whole tag (<c>&lt;…&gt;</c>), a whole entity (<c>&amp;…;</c>), a surrogate pair or one character.</summary>
    private static string NextToken(string html, int at)
    {
        var end = html[at] switch
        {
            '<' => html.IndexOf('>', at),
            '&' => html.IndexOf(';', at),
            _ => -1,
        };
        if (end > at)
        {
            return html[at..(end + 1)];
        }
        return char.IsHighSurrogate(html[at]) && at + 1 < html.Length ? html.Substring(at, 2) : html[at].ToString();
    }

    /// <summary>The tag name a token opens or closes (<c>&lt;a href="…"&gt;</c> opens "a"); both null for text.</summary>
    private static (string? Opens, string? Closes) TagOf(string token)
    {
        if (token.Length < 3 || token[0] != '<')
        {
            return (null, null);
        }
        if (token[1] == '/')
        {
            return (null, token[2..^1].Trim());
        }
        var name = token[1..^1].Split(' ', 2)[0];
        return (name, null);
    }
}
