namespace Ciro.Alerts.Notifiers;

/// <summary>The receiver refused the request for now and said when to come back (Discord's 429 with Retry-After,
/// Telegram's 429 with parameters.retry_after). The dispatcher retries this notification no sooner than that and
/// holds back the rest of the channel's traffic to that recipient until then. The message never holds a secret.</summary>
public sealed class ReceiverThrottledException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
