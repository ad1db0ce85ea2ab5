using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ciro.Alerts.Delivery;
using Microsoft.Extensions.Options;

namespace Ciro.Alerts.Notifiers;

/// <summary>
/// Generic webhook: POSTs the message as JSON to every configured endpoint, with
/// <c>X-Ciro-Signature: sha256=&lt;hex HMAC-SHA256 of the body with the endpoint's secret&gt;</c> and
/// <c>X-Ciro-Idempotency-Key</c> (the same on every attempt). The recipient stored with a notification is the
/// endpoint's name, never its URL or secret. Its own HttpClient: no request logging (URLs can carry tokens) and no
/// resilience handler (the outbox owns retries).
/// </summary>
public sealed class WebhookNotifier(IOptions<WebhookOptions> options) : IAlertNotifier, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan, // the dispatcher's AttemptTimeout cancels
    };

    public string Channel => "webhook";

    public IReadOnlyList<string> RecipientsOf(AlertMessage message) => options.Value.Webhooks.Select(w => w.Name).ToList();

    public async Task DeliverAsync(Notification notification, CancellationToken cancellationToken)
    {
        var endpoint = options.Value.Webhooks.FirstOrDefault(w => w.Name == notification.Recipient)
            ?? throw new InvalidOperationException($"Alerts:Webhooks has no endpoint named '{notification.Recipient}' any more");
        var alert = notification.Message;
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookPayload(
            notification.IdempotencyKey, alert.IncidentId, alert.Rule, alert.Severity, alert.TransitionName, alert.Summary,
            alert.Labels ?? new Dictionary<string, string>(), alert.Observed, alert.Expected, alert.Since ?? alert.StartedAt,
            alert.StartedAt, alert.ResolvedAt, alert.DashboardUrl, alert.Actor, alert.Comment, notification.Attempt), NotificationOutbox.Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Ciro-Signature", Sign(body, endpoint.Secret));
        request.Headers.Add("X-Ciro-Idempotency-Key", notification.IdempotencyKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (ReceiverRejectedException.IsPermanent((int)response.StatusCode))
        {
            throw new ReceiverRejectedException($"webhook '{endpoint.Name}' answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        if (!response.IsSuccessStatusCode)
        {
            // Status only: the URL may hold a token and must not reach the audit trail or the logs.
            throw new HttpRequestException($"webhook '{endpoint.Name}' answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of <paramref name="body"/>.</summary>
    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public void Dispose() => _http.Dispose();
}

/// <summary>The JSON body of a webhook notification: what (rule, severity, transition, summary), where (labels),
/// observed vs expected, since when, the dashboard link, who acted, and which attempt this is.</summary>
public sealed record WebhookPayload(
    string IdempotencyKey, Guid IncidentId, string Rule, string Severity, string Transition, string Summary,
    IReadOnlyDictionary<string, string> Labels, string? Observed, string? Expected, DateTimeOffset Since,
    DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt, string? DashboardUrl, string? Actor, string? Comment, int Attempt);

/// <summary>Bound from <see cref="SectionName"/> (<c>Alerts:Webhooks:0:Name</c>, <c>…:Url</c>, <c>…:Secret</c>);
/// keep URLs and secrets in user secrets or the environment.</summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string SectionName = "Alerts";

    public List<WebhookEndpoint> Webhooks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (hook, i) in Webhooks.Select((h, i) => (h, i)))
        {
            if (string.IsNullOrWhiteSpace(hook.Name))
            {
                yield return new ValidationResult($"Alerts:Webhooks:{i}:Name is empty.", ["Webhooks"]);
            }
            if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                // Not the value: a webhook URL can be a secret.
                yield return new ValidationResult($"Alerts:Webhooks:{i}:Url (webhook '{hook.Name}') is not an absolute http(s) URL.", ["Webhooks"]);
            }
            if (string.IsNullOrEmpty(hook.Secret))
            {
                yield return new ValidationResult($"Alerts:Webhooks:{i}:Secret (webhook '{hook.Name}') is empty; receivers verify the signature with it.", ["Webhooks"]);
            }
        }
        if (Webhooks.GroupBy(h => h.Name).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            yield return new ValidationResult($"Alerts:Webhooks has two endpoints named '{duplicate.Key}'.", ["Webhooks"]);
        }
    }
}

public sealed class WebhookEndpoint
{
    /// <summary>What notifications, routes and the audit trail call it ("default" when one is configured without a name).</summary>
    public string Name { get; set; } = "default";
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
}
