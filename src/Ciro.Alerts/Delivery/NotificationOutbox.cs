using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Alerts.Delivery;

/// <summary>Writes the notifications an incident change owes into alerts.notifications inside the caller's
/// transaction (so the change and its notifications commit together or not at all), and wakes this process's
/// dispatcher once they are committed. Where a message goes comes from the routes (<see cref="AlertRouter"/>) or
/// from the caller (an escalation step names its targets).</summary>
public sealed class NotificationOutbox(
    AlertRouter router,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    OutboxSignal signal)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>One row per channel and recipient the routes give for the message's labels; a row whose dedup key
    /// exists already is left alone. Returns the number of new rows.</summary>
    public Task<int> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AlertMessage message, CancellationToken ct) =>
        EnqueueAsync(connection, transaction, message, router.TargetsOf(message), ct);

    /// <summary>One row per target (an escalation step's channels and recipients); a row whose dedup key exists
    /// already is left alone. Returns the number of new rows.</summary>
    public async Task<int> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AlertMessage message,
        IReadOnlyList<NotificationTarget> targets, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var payload = JsonSerializer.Serialize(message, Json);
        var added = 0;
        foreach (var target in targets.Distinct())
        {
            await using var command = new NpgsqlCommand("""
                insert into alerts.notifications (dedup_key, incident_id, kind, channel, recipient, message, created_at, due_at, expires_at, group_key)
                values ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) on conflict (dedup_key) do nothing
                """, connection, transaction);
            command.Parameters.AddWithValue(DedupKey(message, target.Channel, target.Recipient));
            command.Parameters.AddWithValue(NpgsqlDbType.Uuid, IncidentOf(message));
            command.Parameters.AddWithValue(message.TransitionName);
            command.Parameters.AddWithValue(target.Channel);
            command.Parameters.AddWithValue(target.Recipient);
            command.Parameters.AddWithValue(NpgsqlDbType.Jsonb, payload);
            command.Parameters.AddWithValue(now);
            command.Parameters.AddWithValue(now + options.Value.Expiry);
            command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)message.GroupKey ?? DBNull.Value);
            added += await command.ExecuteNonQueryAsync(ct);
        }
        return added;
    }

    /// <summary>Call after the transaction that enqueued committed: the local dispatcher starts at once instead of at
    /// its next poll.</summary>
    public void Committed() => signal.Notify();

    /// <summary>Identity of a notification: incident (or group), transition (its sequence number, or the group's flush number, and kind), channel, recipient.
    /// Never a measured value, so re-evaluating the same breach with a different reading cannot make a second
    /// notification, while a later escalation step or a re-trigger is a new one.</summary>
    public static string DedupKey(AlertMessage message, string channel, string recipient) => message.GroupKey is { } group
        ? $"group:{group}:{message.Sequence}:{message.TransitionName}:{channel}:{recipient}"
        : $"{message.IncidentId:N}:{message.Sequence}:{message.TransitionName}:{channel}:{recipient}";

    /// <summary>The incident a notification (and its delivery audit) belongs to: none for a group's notification.</summary>
    internal static object IncidentOf(AlertMessage message) => message.GroupKey is null ? message.IncidentId : DBNull.Value;
}

/// <summary>Wakes idle dispatcher workers of this process when notifications commit (other replicas find them by polling).</summary>
public sealed class OutboxSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Notify"/>; take it before looking for work so a notify in between is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
