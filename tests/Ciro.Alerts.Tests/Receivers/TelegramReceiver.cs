using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ciro.Alerts.Tests.Receivers;

/// <summary>
/// Speaks the Telegram Bot API's <c>POST /bot{token}/sendMessage</c> (JSON or form body) and answers in its
/// envelope (<c>{"ok":true,"result":{…message…}}</c> or <c>{"ok":false,"error_code":400,"description":…}</c>). Like
/// Telegram it refuses a wrong token (401), a text it cannot parse in HTML mode (unknown or unclosed tag, bad
/// entity: "can't parse entities"), and a text longer than 4,096 characters after parsing ("message is too long").
/// <see cref="ThrottleNext"/> answers 429 with parameters.retry_after.
/// </summary>
public sealed partial class TelegramReceiver(string token) : LoopbackReceiver
{
    private static readonly HashSet<string> Tags = ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span", "tg-spoiler", "blockquote"];
    private int _throttle;
    private int _messageId;

    public ConcurrentQueue<(string ChatId, string Html, string Text)> Messages { get; } = new();

    public int RetryAfterSeconds { get; set; } = 30;

    public void ThrottleNext(int count) => Interlocked.Exchange(ref _throttle, count);

    protected override void Map(IEndpointRouteBuilder routes) =>
        // Not "/bot{token}/…": a complex segment matches from the right and fails on a token that contains "bot".
        routes.MapPost("/{botPath}/sendMessage", async (string botPath, HttpRequest request) =>
        {
            if (botPath != "bot" + token)
            {
                return Results.Json(new { ok = false, error_code = 401, description = "Unauthorized" }, statusCode: 401);
            }
            if (Interlocked.Decrement(ref _throttle) >= 0)
            {
                return Results.Json(new { ok = false, error_code = 429, description = $"Too Many Requests: retry after {RetryAfterSeconds}", parameters = new { retry_after = RetryAfterSeconds } }, statusCode: 429);
            }
            Interlocked.Exchange(ref _throttle, 0);
            var fields = await ReadFieldsAsync(request);
            var chat = fields.GetValueOrDefault("chat_id") ?? "";
            var html = fields.GetValueOrDefault("text") ?? "";
            if (chat.Length == 0)
            {
                return Bad("Bad Request: chat_id is empty");
            }
            // Telegram takes the mode in any case (Telegram.Bot sends "Html").
            if (!string.Equals(fields.GetValueOrDefault("parse_mode"), "HTML", StringComparison.OrdinalIgnoreCase))
            {
                return Bad($"parse_mode is '{fields.GetValueOrDefault("parse_mode")}', this receiver expects HTML");
            }
            if (Parse(html) is not { } text)
            {
                return Bad("Bad Request: can't parse entities: unsupported start tag, unclosed tag or bad entity");
            }
            if (text.Length is 0 or > 4096)
            {
                return Bad($"Bad Request: message is too long ({text.Length} characters after parsing)");
            }
            Messages.Enqueue((chat, html, text));
            Accept($"{chat}|{html}");
            return Results.Json(new
            {
                ok = true,
                result = new { message_id = Interlocked.Increment(ref _messageId), date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), chat = new { id = long.TryParse(chat, out var id) ? id : -1, type = "group" }, text },
            });
        });

    private IResult Bad(string description)
    {
        Reject(description);
        return Results.Json(new { ok = false, error_code = 400, description }, statusCode: 400);
    }

    private static async Task<Dictionary<string, string?>> ReadFieldsAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            return form.ToDictionary(f => f.Key, f => (string?)f.Value.ToString());
        }
        using var body = await JsonDocument.ParseAsync(request.Body);
        return body.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText());
    }

    /// <summary>The visible text of Telegram HTML, or null when Telegram would refuse to parse it.</summary>
    public static string? Parse(string html)
    {
        var open = new Stack<string>();
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < html.Length;)
        {
            if (html[i] == '<')
            {
                var end = html.IndexOf('>', i);
                if (end < 0)
                {
                    return null;
                }
                var tag = html[(i + 1)..end];
                if (tag.StartsWith('/'))
                {
                    if (open.Count == 0 || open.Pop() != tag[1..])
                    {
                        return null;
                    }
                }
                else
                {
                    var name = tag.Split(' ', 2)[0];
                    if (!Tags.Contains(name) || (name == "a" && !HrefTag().IsMatch(tag)))
                    {
                        return null;
                    }
                    open.Push(name);
                }
                i = end + 1;
            }
            else if (html[i] == '&')
            {
                var end = html.IndexOf(';', i);
                if (end < 0 || !EntityName().IsMatch(html[i..(end + 1)]))
                {
                    return null;
                }
                text.Append(WebUtility.HtmlDecode(html[i..(end + 1)]));
                i = end + 1;
            }
            else if (html[i] == '>')
            {
                return null;
            }
            else
            {
                text.Append(html[i++]);
            }
        }
        return open.Count == 0 ? text.ToString() : null;
    }

    [GeneratedRegex("^&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});$")]
    private static partial Regex EntityName();

    [GeneratedRegex("^a href=\"[^\"<>]*\"$")]
    private static partial Regex HrefTag();
}
