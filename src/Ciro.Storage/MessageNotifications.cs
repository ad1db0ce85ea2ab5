using Ciro.Messages;
using Npgsql;

namespace Ciro.Storage;

/// <summary>Sends a message with pg_notify inside the caller's transaction: PostgreSQL delivers it only if the
/// transaction commits, so listeners never hear of a change that is not stored.</summary>
public static class MessageNotifications
{
    public static async Task NotifyAsync(this NpgsqlConnection connection, NpgsqlTransaction transaction, CiroMessage message, CancellationToken ct)
    {
        await using var notify = new NpgsqlCommand("select pg_notify($1, $2)", connection, transaction);
        notify.Parameters.AddWithValue(MessageChannels.Of(message).Postgres);
        notify.Parameters.AddWithValue(MessageSerializer.Serialize(message));
        await notify.ExecuteNonQueryAsync(ct);
    }
}
