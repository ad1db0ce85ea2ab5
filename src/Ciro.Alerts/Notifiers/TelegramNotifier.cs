using System.ComponentModel.DataAnnotations;
using System.Text;
using Ciro.Alerts.Delivery;
using Ciro.Alerts.Incidents;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Ciro.Alerts.Notifiers;

/// <summary>
/// Telegram through the Bot API (<c>Telegram.Bot</c>): one <c>sendMessage</c> in HTML parse mode per chat id of
/// <c>Alerts:Telegram:ChatIds</c>. User text (rule, summary, labels, values) is escaped; the message is cut to 4,096
/// characters without breaking an entity or a tag (<see cref="TelegramHtml"/>). A 429 becomes
/// <see cref="ReceiverThrottledException"/> with the server's retry_after; the library's own retries are off (the
/// outbox owns retries). <c>BaseUrl</c> points the client at another Bot API server (a local one, or the test's). The
/// bot token is in every request path: it never reaches an error, the audit trail or the log.
/// </summary>
public sealed class TelegramNotifier : IAlertNotifier, IDisposable
{
    private readonly IOptions<TelegramOptions> _options;
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan, // the dispatcher's AttemptTimeout cancels
    };
    private readonly Lazy<TelegramBotClient> _bot;

    public TelegramNotifier(IOptions<TelegramOptions> options)
    {
        _options = options;
        _bot = new(() => new TelegramBotClient(
            new TelegramBotClientOptions(options.Value.BotToken, options.Value.BaseUrl) { RetryCount = 0 }, _http));
    }

    public string Channel => "telegram";

    public IReadOnlyList<string> RecipientsOf(AlertMessage message) =>
        string.IsNullOrEmpty(_options.Value.BotToken) ? [] : _options.Value.ChatIds;

    public async Task DeliverAsync(Notification notification, CancellationToken cancellationToken)
    {
        var chat = long.TryParse(notification.Recipient, out var id) ? new ChatId(id) : new ChatId(notification.Recipient);
        try
        {
            await _bot.Value.SendMessage(chat, Render(notification.Message), ParseMode.Html,
                linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true }, cancellationToken: cancellationToken);
        }
        catch (ApiRequestException ex) when (ex.ErrorCode == 429)
        {
            var retryAfter = TimeSpan.FromSeconds(ex.Parameters?.RetryAfter ?? 1);
            throw new ReceiverThrottledException($"telegram chat {notification.Recipient} answered 429, retry after {retryAfter.TotalSeconds:0.###} s", retryAfter);
        }
        catch (ApiRequestException ex) when (ReceiverRejectedException.IsPermanent(ex.ErrorCode))
        {
            // "chat not found" (400), a revoked token (401), a bot blocked or kicked from the chat (403).
            throw new ReceiverRejectedException($"telegram chat {notification.Recipient} answered {ex.ErrorCode}: {ex.Message}");
        }
        catch (ApiRequestException ex)
        {
            // Telegram's description ("Bad Request: chat not found") never holds the token.
            throw new HttpRequestException($"telegram chat {notification.Recipient} answered {ex.ErrorCode}: {ex.Message}");
        }
        catch (RequestException ex)
        {
            // Network failures: the inner exception's text, never the request URL (it holds the token).
            throw new HttpRequestException($"telegram chat {notification.Recipient}: {ex.InnerException?.Message ?? ex.Message}");
        }
    }

    /// <summary>The HTML text of <paramref name="alert"/>: a bold title, the summary, one line per fact, the dashboard
    /// link; within 4,096 characters.</summary>
    public static string Render(AlertMessage alert)
    {
        var icon = alert.Transition switch
        {
            IncidentTransition.Resolved => "✅",
            IncidentTransition.Acknowledged => "👀",
            _ => alert.Severity switch { "critical" => "🔴", "warning" => "🟠", _ => "🔵" },
        };
        var html = new StringBuilder();
        html.Append(icon).Append(" <b>").Append(TelegramHtml.Escape(alert.Headline)).Append("</b>\n");
        foreach (var fact in alert.Facts())
        {
            html.Append("<b>").Append(fact.Name).Append(":</b> ").Append(TelegramHtml.Escape(fact.Value)).Append('\n');
        }
        if (alert.DashboardUrl is { } url)
        {
            html.Append("<a href=\"").Append(TelegramHtml.Escape(url)).Append("\">Open in the dashboard</a>\n");
        }
        // The summary last: it is the part that can be long, so a cut never loses the facts or the link.
        html.Append('\n').Append(TelegramHtml.Escape(alert.Summary));
        return TelegramHtml.Truncate(html.ToString());
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Bound from <see cref="SectionName"/>: <c>Alerts:Telegram:BotToken</c> (a secret: user secrets or the
/// environment), <c>…:ChatIds:0</c>… (numeric ids or @channel names) and <c>…:BaseUrl</c> (default the public Bot API).
/// No token: the channel has no recipients.</summary>
public sealed class TelegramOptions : IValidatableObject
{
    public const string SectionName = "Alerts:Telegram";

    public string BotToken { get; set; } = "";

    public string BaseUrl { get; set; } = "https://api.telegram.org";

    public List<string> ChatIds { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(BotToken))
        {
            yield break;
        }
        // Not the value: it is the bot's whole credential.
        if (BotToken.Split(':') is not [var botId, { Length: > 0 }] || !long.TryParse(botId, out _))
        {
            yield return new ValidationResult($"{SectionName}:BotToken is not a Bot API token (<bot id>:<secret>).", [nameof(BotToken)]);
        }
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult($"{SectionName}:BaseUrl = '{BaseUrl}' is not an absolute http(s) URL.", [nameof(BaseUrl)]);
        }
        if (ChatIds.Count == 0)
        {
            yield return new ValidationResult($"{SectionName}:ChatIds is empty; a bot token needs at least one chat to send to.", [nameof(ChatIds)]);
        }
        foreach (var (chat, i) in ChatIds.Select((c, i) => (c, i)))
        {
            if (!long.TryParse(chat, out _) && !(chat.StartsWith('@') && chat.Length > 1))
            {
                yield return new ValidationResult($"{SectionName}:ChatIds:{i} = '{chat}' is neither a numeric chat id nor an @channel name.", [nameof(ChatIds)]);
            }
        }
    }
}
