namespace Ciro.Alerts.Notifiers;

/// <summary>The receiver answered that this request will never succeed as it is (<see cref="IsPermanent"/>: a bad
/// request, a wrong token, a chat or webhook that does not exist or is gone). Retrying would only repeat the refusal,
/// so the dispatcher marks the notification failed after this one attempt and sends it to the channel's fallback.
/// Throttling (429) and server errors, timeouts and dropped connections are transient and retried. The message never
/// holds a secret.</summary>
public sealed class ReceiverRejectedException(string message) : Exception(message)
{
    /// <summary>400 Bad Request, 401 Unauthorized, 403 Forbidden, 404 Not Found, 410 Gone, 413 Content Too Large,
    /// 422 Unprocessable Content: the same request gets the same answer.</summary>
    public static bool IsPermanent(int status) => status is 400 or 401 or 403 or 404 or 410 or 413 or 422;
}
