using System.Diagnostics;
using System.Text.Json;
using Ciro.Alerts.Incidents;
using Ciro.Alerts.Notifiers;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Alerts.Delivery;

/// <summary>
/// Delivers the outbox at least once. Each worker claims one due notification with FOR UPDATE SKIP LOCKED and keeps
/// the row locked while it delivers, so two replicas never send the same notification at the same time; the
/// outcome, the audit row of the attempt and the next due time commit together. A crash mid-attempt rolls the claim
/// back and the notification is tried again (at least once: the receiver may see a retried copy, carrying the same
/// idempotency key). A failure is retried with exponential backoff and jitter until the notification expires, then
/// it is marked failed; a permanent refusal (<see cref="ReceiverRejectedException"/>: 400/401/403/404… from Discord,
/// Telegram or a webhook) is failed after that one attempt and sent to the channel's fallback. Before an attempt, <see cref="ChannelGuards"/> may hold the notification back (rate limits, an
/// open circuit breaker): its due time moves to when it may go, without counting an attempt; while a channel's breaker
/// is open its notifications are also enqueued once to the channel's fallback. Due times, backoff, expiry, limits and
/// breakers come from <see cref="TimeProvider"/>, so tests run hours of outage on a fake clock; only the attempt
/// timeout, a budget of real network time, runs on the system timer.
/// </summary>
public sealed class NotificationDispatcher(
    NpgsqlDataSource dataSource,
    IEnumerable<IAlertNotifier> notifiers,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    OutboxSignal signal,
    NotificationOutbox outbox,
    ChannelGuards guards,
    AlertsMetrics metrics,
    DeliveryMetrics deliveryMetrics,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private readonly Dictionary<string, IAlertNotifier> _channels = notifiers.ToDictionary(n => n.Channel, StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Concurrency).Select(_ => Task.Run(() => RunWorkerAsync(stoppingToken), stoppingToken)));

    private async Task RunWorkerAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.Next;
            var lookedAt = time.GetUtcNow();
            bool worked;
            try
            {
                worked = await DeliverNextAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database is away (or the row vanished): the claim rolled back; look again after a poll.
                logger.LogWarning(ex, "Outbox dispatcher could not claim or record a notification");
                metrics.DispatcherErrors.Add(1);
                worked = false;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            // The next poll is due one interval after this look, not after it ended: when the clock moved on while
            // looking (a slow database; a test's fake clock), look again at once.
            var idle = lookedAt + options.Value.PollInterval - time.GetUtcNow();
            if (!worked && idle > TimeSpan.Zero)
            {
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(wake, Task.Delay(idle, time, poll.Token));
                await poll.CancelAsync(); // woken by an enqueue: drop the poll timer
            }
        }
    }

    /// <summary>Claims, attempts and records one due notification; false when none is due.</summary>
    public async Task<bool> DeliverNextAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        Notification notification;
        DateTimeOffset expiresAt;
        await using (var claim = new NpgsqlCommand("""
            select id, dedup_key, channel, recipient, message::text, attempts, expires_at from alerts.notifications
            where state = 'pending' and due_at <= $1 order by due_at limit 1 for update skip locked
            """, connection, transaction))
        {
            claim.Parameters.AddWithValue(now);
            await using var reader = await claim.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return false;
            }
            notification = new Notification(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                JsonSerializer.Deserialize<AlertMessage>(reader.GetString(4), NotificationOutbox.Json)!, reader.GetInt32(5) + 1);
            expiresAt = reader.GetFieldValue<DateTimeOffset>(6);
        }

        if (expiresAt <= now)
        {
            // Due but already expired (e.g. every replica was down past the expiry): give up without an attempt.
            await FinishAsync(connection, transaction, notification, "failed", notification.Attempt - 1, $"expired at {expiresAt:u} before attempt {notification.Attempt}", now, ct);
            await transaction.CommitAsync(ct);
            return true;
        }

        if (guards.HoldUntil(notification) is { } until)
        {
            var open = guards.IsOpen(notification.Channel);
            await DeferAsync(connection, transaction, notification.Id, until < expiresAt ? until : expiresAt, ct);
            deliveryMetrics.Held.Add(1, new TagList { { "channel", notification.Channel }, { "reason", open ? "circuit" : "rate" } });
            var fellBack = open && await FallBackAsync(connection, transaction, notification, ct);
            await transaction.CommitAsync(ct);
            if (fellBack)
            {
                outbox.Committed();
            }
            return true;
        }

        var (error, retryAfter, rejected) = await AttemptAsync(notification, ct);
        var after = time.GetUtcNow();
        var fallback = false;
        if (error is null)
        {
            guards.Succeeded(notification.Channel);
        }
        else if (rejected)
        {
            // The receiver answers; it refuses this request for good. The channel's breaker is not the place for that
            // (its other recipients may be fine), the fallback is.
            fallback = await FallBackAsync(connection, transaction, notification, ct);
        }
        else
        {
            if (retryAfter is { } pause)
            {
                guards.Throttled(notification.Channel, notification.Recipient, after + pause);
            }
            if (guards.Failed(notification.Channel))
            {
                fallback = await FallBackAsync(connection, transaction, notification, ct);
            }
        }
        await AuditAsync(connection, transaction, notification, error, after, ct);
        var tags = new TagList { { "channel", notification.Channel }, { "succeeded", error is null } };
        metrics.Deliveries.Add(1, tags);
        if (error is null)
        {
            await FinishAsync(connection, transaction, notification, "delivered", notification.Attempt, null, after, ct);
            logger.LogInformation("Notification {NotificationId} ({Transition} of incident {IncidentId}) delivered by {Channel} to {Recipient} on attempt {Attempt}",
                notification.Id, notification.Message.TransitionName, notification.Message.IncidentId, notification.Channel, notification.Recipient, notification.Attempt);
        }
        else if (rejected)
        {
            await FinishAsync(connection, transaction, notification, "failed", notification.Attempt, error, after, ct);
            metrics.NotificationsRejected.Add(1, new KeyValuePair<string, object?>("channel", notification.Channel));
            logger.LogError("Notification {NotificationId} to {Channel}/{Recipient} refused for good on attempt {Attempt}, not retried{Fallback}: {Error}",
                notification.Id, notification.Channel, notification.Recipient, notification.Attempt, fallback ? " (sent to the fallback channel)" : "", error);
        }
        else
        {
            // A receiver that said when to come back (429 Retry-After) is asked again then, not sooner or later.
            var next = after + (retryAfter ?? options.Value.BackoffAfter(notification.Attempt));
            if (next >= expiresAt)
            {
                await FinishAsync(connection, transaction, notification, "failed", notification.Attempt, $"expired after {notification.Attempt} attempts; last: {error}", after, ct);
                metrics.NotificationsExpired.Add(1, new KeyValuePair<string, object?>("channel", notification.Channel));
                logger.LogError("Notification {NotificationId} to {Channel}/{Recipient} given up after {Attempt} attempts (expires {ExpiresAt:u}): {Error}",
                    notification.Id, notification.Channel, notification.Recipient, notification.Attempt, expiresAt, error);
            }
            else
            {
                await RetryLaterAsync(connection, transaction, notification, next, error, ct);
                metrics.DeliveryRetries.Add(1, new KeyValuePair<string, object?>("channel", notification.Channel));
                logger.LogWarning("Notification {NotificationId} to {Channel}/{Recipient} failed on attempt {Attempt}, next at {Next:u}: {Error}",
                    notification.Id, notification.Channel, notification.Recipient, notification.Attempt, next, error);
            }
        }
        await transaction.CommitAsync(ct);
        if (fallback)
        {
            outbox.Committed();
        }
        return true;
    }

    /// <summary>Enqueues <paramref name="notification"/>'s message once to its channel's fallback (all the fallback's
    /// recipients; the dedup key makes a second call a no-op); true when rows were added.</summary>
    private async Task<bool> FallBackAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Notification notification, CancellationToken ct)
    {
        if (options.Value.PolicyOf(notification.Channel).Fallback is not { } fallback || !_channels.TryGetValue(fallback, out var notifier))
        {
            return false;
        }
        var added = await outbox.EnqueueAsync(connection, transaction, notification.Message,
            notifier.RecipientsOf(notification.Message).Select(r => new NotificationTarget(fallback, r)).ToList(), ct);
        if (added > 0)
        {
            deliveryMetrics.Fallbacks.Add(added, new TagList { { "channel", notification.Channel }, { "fallback", fallback } });
            logger.LogWarning("Channel {Channel} keeps failing (circuit open): {Transition} of incident {IncidentId} also goes to {Fallback} ({Added} notifications)",
                notification.Channel, notification.Message.TransitionName, notification.Message.IncidentId, fallback, added);
        }
        return added > 0;
    }

    /// <summary>Error null when delivered, else why not (a message without secrets: notifiers never put URLs or
    /// tokens in exceptions they throw); RetryAfter when the receiver said when to come back; Rejected when it refused for good.</summary>
    private async Task<(string? Error, TimeSpan? RetryAfter, bool Rejected)> AttemptAsync(Notification notification, CancellationToken ct)
    {
        if (!_channels.TryGetValue(notification.Channel, out var notifier))
        {
            return ($"no channel '{notification.Channel}' is configured in this replica", null, false);
        }
        // The budget of one attempt is real time spent talking to the receiver, so it runs on the system timer and not
        // on the service clock: a jump of that clock (a test's fake clock moving minutes ahead while a send is in
        // flight) must not cancel a send the receiver may already have taken, which the retry would deliver again.
        using var timeout = new CancellationTokenSource(options.Value.AttemptTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            await notifier.DeliverAsync(notification, linked.Token);
            return (null, null, false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return ($"timed out after {options.Value.AttemptTimeout}", null, false);
        }
        catch (ReceiverThrottledException ex)
        {
            return ($"{nameof(ReceiverThrottledException)}: {ex.Message}", ex.RetryAfter, false);
        }
        catch (ReceiverRejectedException ex)
        {
            return ($"{nameof(ReceiverRejectedException)}: {ex.Message}", null, true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ($"{ex.GetType().Name}: {ex.Message}", null, false);
        }
    }

    private static async Task AuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Notification n, string? error, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            insert into alerts.deliveries (notification_id, incident_id, kind, channel, target, succeeded, attempts, error, at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, connection, transaction);
        command.Parameters.AddWithValue(n.Id);
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Uuid, NotificationOutbox.IncidentOf(n.Message));
        command.Parameters.AddWithValue(n.Message.TransitionName);
        command.Parameters.AddWithValue(n.Channel);
        command.Parameters.AddWithValue(n.Recipient);
        command.Parameters.AddWithValue(error is null);
        command.Parameters.AddWithValue(n.Attempt);
        command.Parameters.AddWithValue((object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue(at);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Notification n, string state, int attempts, string? error, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "update alerts.notifications set state = $2, attempts = $3, last_error = coalesce($4, last_error), finished_at = $5 where id = $1",
            connection, transaction);
        command.Parameters.AddWithValue(n.Id);
        command.Parameters.AddWithValue(state);
        command.Parameters.AddWithValue(attempts);
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue(at);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Not an attempt: the notification becomes due again at <paramref name="at"/>.</summary>
    private static async Task DeferAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("update alerts.notifications set due_at = $2 where id = $1", connection, transaction);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(at);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task RetryLaterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Notification n, DateTimeOffset next, string error, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "update alerts.notifications set attempts = $2, due_at = $3, last_error = $4 where id = $1", connection, transaction);
        command.Parameters.AddWithValue(n.Id);
        command.Parameters.AddWithValue(n.Attempt);
        command.Parameters.AddWithValue(next);
        command.Parameters.AddWithValue(error);
        await command.ExecuteNonQueryAsync(ct);
    }
}
