using System.Text.Json;
using System.Text.Json.Serialization;
using Ciro.Alerts.Notifiers;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Alerts.Delivery;

/// <summary>Writes the notifications an incident change owes into alerts.notifications inside the caller's
/// transaction (so the change and its notifications commit together or not at all), and wakes this process's
/// dispatcher once they are committed.</summary>
public sealed class NotificationOutbox(
    IEnumerable<IAlertNotifier> notifiers,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    OutboxSignal signal)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>One row per channel and recipient; a row whose dedup key exists already is left alone. Returns the
    /// number of new rows.</summary>
    public async Task<int> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AlertMessage message, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var payload = JsonSerializer.Serialize(message, Json);
        var added = 0;
        foreach (var notifier in notifiers)
        {
            foreach (var recipient in notifier.RecipientsOf(message).Distinct(StringComparer.Ordinal))
            {
                await using var command = new NpgsqlCommand("""
                    insert into alerts.notifications (dedup_key, incident_id, kind, channel, recipient, message, created_at, due_at, expires_at)
                    values ($1, $2, $3, $4, $5, $6, $7, $7, $8) on conflict (dedup_key) do nothing
                    """, connection, transaction);
                command.Parameters.AddWithValue(DedupKey(message, notifier.Channel, recipient));
                command.Parameters.AddWithValue(message.IncidentId);
                command.Parameters.AddWithValue(message.TransitionName);
                command.Parameters.AddWithValue(notifier.Channel);
                command.Parameters.AddWithValue(recipient);
                command.Parameters.AddWithValue(NpgsqlDbType.Jsonb, payload);
                command.Parameters.AddWithValue(now);
                command.Parameters.AddWithValue(now + options.Value.Expiry);
                added += await command.ExecuteNonQueryAsync(ct);
            }
        }
        return added;
    }

    /// <summary>Call after the transaction that enqueued committed: the local dispatcher starts at once instead of at
    /// its next poll.</summary>
    public void Committed() => signal.Notify();

    /// <summary>Identity of a notification: incident, transition, channel, recipient. Never a measured value, so
    /// re-evaluating the same breach with a different reading cannot make a second notification.</summary>
    public static string DedupKey(AlertMessage message, string channel, string recipient) =>
        $"{message.IncidentId:N}:{message.TransitionName}:{channel}:{recipient}";
}

/// <summary>Wakes idle dispatcher workers of this process when notifications commit (other replicas find them by polling).</summary>
public sealed class OutboxSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Notify"/>; take it before looking for work so a notify in between is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
