using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ciro.Alerts.Tests.Receivers;

/// <summary>
/// Speaks Discord's webhook API: <c>POST /api/webhooks/{id}/{token}?wait=true</c> with a JSON body. It checks what
/// Discord checks and answers 400 like Discord would: content at most 2,000 characters, at most 10 embeds, title 256,
/// description 4,096, at most 25 fields of 256/1,024, footer 2,048, all embed text together 6,000, and a body with
/// content or embeds. <see cref="ThrottleNext"/> answers 429 with Retry-After and Discord's JSON body.
/// </summary>
public sealed class DiscordReceiver(string token) : LoopbackReceiver
{
    private int _throttle;

    /// <summary>The webhook URL a Discord channel gives (id and token in the path).</summary>
    public string WebhookUrl => $"{BaseUrl}/api/webhooks/1183042/{token}";

    public ConcurrentQueue<JsonElement> Messages { get; } = new();

    /// <summary>The Retry-After of a throttled answer (header in whole seconds, body fractional).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Answer the next <paramref name="count"/> requests with 429 and <see cref="RetryAfter"/>.</summary>
    public void ThrottleNext(int count) => Interlocked.Exchange(ref _throttle, count);

    protected override void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/webhooks/{id}/{webhookToken}", async (string webhookToken, HttpRequest request, HttpResponse response) =>
        {
            if (webhookToken != token)
            {
                return Results.Json(new { message = "Invalid Webhook Token", code = 50027 }, statusCode: 401);
            }
            if (Interlocked.Decrement(ref _throttle) >= 0)
            {
                response.Headers.RetryAfter = ((int)Math.Ceiling(RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Json(new { message = "You are being rate limited.", retry_after = RetryAfter.TotalSeconds, global = false }, statusCode: 429);
            }
            Interlocked.Exchange(ref _throttle, 0);
            JsonElement body;
            try
            {
                body = (await JsonDocument.ParseAsync(request.Body)).RootElement.Clone();
            }
            catch (JsonException ex)
            {
                return Reject($"body is not JSON: {ex.Message}");
            }
            if (Check(body) is { } problem)
            {
                return Reject(problem);
            }
            Messages.Enqueue(body);
            Accept(request.Headers["X-Ciro-Idempotency-Key"].ToString());
            return Results.Json(new { id = "1183042000000000001", type = 0, content = body.GetProperty("content").GetString() });
        });

    private static string? Check(JsonElement body)
    {
        var content = body.TryGetProperty("content", out var c) ? c.GetString() ?? "" : "";
        var embeds = body.TryGetProperty("embeds", out var e) ? e.EnumerateArray().ToList() : [];
        if (content.Length == 0 && embeds.Count == 0)
        {
            return "Cannot send an empty message";
        }
        if (content.Length > 2000)
        {
            return $"content: Must be 2000 or fewer in length (was {content.Length})";
        }
        if (embeds.Count > 10)
        {
            return $"embeds: Must be 10 or fewer in length (was {embeds.Count})";
        }
        var total = 0;
        foreach (var (embed, i) in embeds.Select((x, i) => (x, i)))
        {
            foreach (var (name, max) in new[] { ("title", 256), ("description", 4096) })
            {
                var text = embed.TryGetProperty(name, out var t) ? t.GetString() ?? "" : "";
                if (text.Length > max)
                {
                    return $"embeds.{i}.{name}: Must be {max} or fewer in length (was {text.Length})";
                }
                total += text.Length;
            }
            var fields = embed.TryGetProperty("fields", out var f) ? f.EnumerateArray().ToList() : [];
            if (fields.Count > 25)
            {
                return $"embeds.{i}.fields: Must be 25 or fewer in length";
            }
            foreach (var field in fields)
            {
                var name = field.GetProperty("name").GetString() ?? "";
                var value = field.GetProperty("value").GetString() ?? "";
                if (name.Length is 0 or > 256 || value.Length is 0 or > 1024)
                {
                    return $"embeds.{i}.fields: name 1..256 and value 1..1024 (was {name.Length}, {value.Length})";
                }
                total += name.Length + value.Length;
            }
            if (embed.TryGetProperty("footer", out var footer))
            {
                var text = footer.GetProperty("text").GetString() ?? "";
                if (text.Length > 2048)
                {
                    return $"embeds.{i}.footer.text: Must be 2048 or fewer in length";
                }
                total += text.Length;
            }
            if (embed.TryGetProperty("url", out var url) && !Uri.TryCreate(url.GetString(), UriKind.Absolute, out _))
            {
                return $"embeds.{i}.url: Not a well formed URL";
            }
        }
        return total > 6000 ? $"embeds: Embed size exceeds maximum size of 6000 (was {total})" : null;
    }
}
