using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ciro.Alerts.Delivery;
using Ciro.Alerts.Incidents;
using Microsoft.Extensions.Options;

namespace Ciro.Alerts.Notifiers;

/// <summary>
/// Discord through channel webhooks: one message per notification with a one-line <c>content</c> and one embed
/// (title, summary, Where / Observed / Expected / Since fields, dashboard link, colour by severity). Every text is cut
/// to Discord's limits (<see cref="DiscordLimits"/>) so a long summary never turns into a 400. A 429 becomes
/// <see cref="ReceiverThrottledException"/> with the Retry-After the server gave. The recipient stored with a
/// notification is the webhook's name: the URL holds the webhook token and is never stored, logged or put in an error.
/// </summary>
public sealed class DiscordNotifier(IOptions<DiscordOptions> options) : IAlertNotifier, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan, // the dispatcher's AttemptTimeout cancels
    };

    public string Channel => "discord";

    public IReadOnlyList<string> RecipientsOf(AlertMessage message) => options.Value.Webhooks.Select(w => w.Name).ToList();

    public async Task DeliverAsync(Notification notification, CancellationToken cancellationToken)
    {
        var webhook = options.Value.Webhooks.FirstOrDefault(w => w.Name == notification.Recipient)
            ?? throw new InvalidOperationException($"Alerts:Discord:Webhooks has no webhook named '{notification.Recipient}' any more");
        var body = JsonSerializer.SerializeToUtf8Bytes(Render(notification), Json);
        // wait=true: Discord answers 200 with the created message once it is stored, not 204 before.
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url + (webhook.Url.Contains('?') ? "&" : "?") + "wait=true")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Ciro-Idempotency-Key", notification.IdempotencyKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var retryAfter = await RetryAfterAsync(response, cancellationToken);
            throw new ReceiverThrottledException($"discord '{webhook.Name}' answered 429, retry after {retryAfter.TotalSeconds:0.###} s", retryAfter);
        }
        if (ReceiverRejectedException.IsPermanent((int)response.StatusCode))
        {
            // A deleted webhook (404), a bad token (401), a payload Discord refuses (400).
            throw new ReceiverRejectedException($"discord '{webhook.Name}' answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        if (!response.IsSuccessStatusCode)
        {
            // Status only: the URL holds the webhook token.
            throw new HttpRequestException($"discord '{webhook.Name}' answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
    }

    /// <summary>The webhook body for <paramref name="notification"/>, within Discord's limits.</summary>
    public static DiscordMessage Render(Notification notification)
    {
        var alert = notification.Message;
        var fields = alert.Facts()
            .Select(f => new DiscordField(DiscordLimits.Cut(f.Name, DiscordLimits.FieldName), DiscordLimits.Cut(f.Value, DiscordLimits.FieldValue), Inline: f.Name != "Where"))
            .Take(DiscordLimits.Fields)
            .ToList();
        var title = DiscordLimits.Cut(alert.Title, DiscordLimits.Title);
        var footer = DiscordLimits.Cut($"{(alert.GroupKey is { } group ? $"group {group}" : $"incident {alert.IncidentId}")} · {notification.IdempotencyKey}", DiscordLimits.Footer);
        // The description gets what the other parts of the embed leave of the 6,000 characters of one message.
        var used = title.Length + footer.Length + fields.Sum(f => f.Name.Length + f.Value.Length);
        var description = DiscordLimits.Cut(alert.Summary, Math.Min(DiscordLimits.Description, DiscordLimits.EmbedTotal - used));
        var embed = new DiscordEmbed(title, description, alert.DashboardUrl, ColourOf(alert), fields, new DiscordFooter(footer),
            (alert.ResolvedAt ?? alert.Since ?? alert.StartedAt).ToString("O", CultureInfo.InvariantCulture));
        return new DiscordMessage(DiscordLimits.Cut(alert.Title, DiscordLimits.Content), "Ciro alerts", [embed]);
    }

    private static int ColourOf(AlertMessage alert) => alert.Transition switch
    {
        IncidentTransition.Resolved => 0x43A047,
        IncidentTransition.Acknowledged => 0x757575,
        _ => alert.Severity switch { "critical" => 0xE53935, "warning" => 0xFB8C00, _ => 0x1E88E5 },
    };

    /// <summary>The Retry-After header (seconds), else the body's <c>retry_after</c> (seconds, fractional), else 1 s.</summary>
    private static async Task<TimeSpan> RetryAfterAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta)
        {
            return delta;
        }
        try
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (body.RootElement.TryGetProperty("retry_after", out var seconds) && seconds.TryGetDouble(out var value) && value >= 0)
            {
                return TimeSpan.FromSeconds(value);
            }
        }
        catch (JsonException)
        {
            // No usable body: fall through to the default.
        }
        return TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Discord's documented limits for a webhook message and its embeds (characters).</summary>
public static class DiscordLimits
{
    public const int Content = 2000;
    public const int Title = 256;
    public const int Description = 4096;
    public const int Fields = 25;
    public const int FieldName = 256;
    public const int FieldValue = 1024;
    public const int Footer = 2048;

    /// <summary>All titles, descriptions, field names and values and footers of a message together.</summary>
    public const int EmbedTotal = 6000;

    /// <summary><paramref name="text"/> cut to at most <paramref name="max"/> characters, ending in "…" when cut, never
    /// between the two halves of a surrogate pair.</summary>
    public static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }
        var keep = Math.Max(0, max - 1);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }
        return text[..keep] + "…";
    }
}

public sealed record DiscordMessage(string Content, string Username, IReadOnlyList<DiscordEmbed> Embeds);

public sealed record DiscordEmbed(string Title, string Description, string? Url, int Color, IReadOnlyList<DiscordField> Fields, DiscordFooter Footer, string Timestamp);

public sealed record DiscordField(string Name, string Value, bool Inline);

public sealed record DiscordFooter(string Text);

/// <summary>Bound from <see cref="SectionName"/>: <c>Alerts:Discord:Webhooks:0:Name</c>, <c>…:Url</c>
/// (https://discord.com/api/webhooks/&lt;id&gt;/&lt;token&gt;). Keep URLs in user secrets or the environment: the
/// token in the URL is the whole credential.</summary>
public sealed class DiscordOptions : IValidatableObject
{
    public const string SectionName = "Alerts:Discord";

    public List<DiscordWebhook> Webhooks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (hook, i) in Webhooks.Select((h, i) => (h, i)))
        {
            if (string.IsNullOrWhiteSpace(hook.Name))
            {
                yield return new ValidationResult($"{SectionName}:Webhooks:{i}:Name is empty.", [nameof(Webhooks)]);
            }
            if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                // Not the value: it holds the webhook token.
                yield return new ValidationResult($"{SectionName}:Webhooks:{i}:Url (webhook '{hook.Name}') is not an absolute http(s) URL.", [nameof(Webhooks)]);
            }
        }
        if (Webhooks.GroupBy(h => h.Name).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            yield return new ValidationResult($"{SectionName}:Webhooks has two webhooks named '{duplicate.Key}'.", [nameof(Webhooks)]);
        }
    }
}

public sealed class DiscordWebhook
{
    /// <summary>What notifications, routes and the audit trail call it ("default" when one is configured without a name).</summary>
    public string Name { get; set; } = "default";
    public string Url { get; set; } = "";
}
