using Ciro.Alerts.Delivery;
using Ciro.Messages;
using Ciro.Storage;
using Npgsql;

namespace Ciro.Alerts.Incidents;

/// <summary>Incidents in PostgreSQL (schema created by the indexer's migrations). Every state change commits with
/// its <see cref="IncidentChanged"/> notification (so the dashboard hears of exactly the changes that are stored)
/// and with the outbox rows of the alerts it owes (so a crash after the commit cannot lose one).</summary>
public sealed class IncidentStore(NpgsqlDataSource dataSource, NotificationOutbox outbox)
{
    public async Task<Incident?> GetOpenAsync(string rule, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select id, rule, severity, state, summary, started_at, resolved_at from alerts.incidents where rule = $1 and state = 'firing'");
        command.Parameters.AddWithValue(rule);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>Opens an episode and enqueues its FIRING notifications; returns null when another evaluator opened it
    /// first (unique open index), in which case nothing is enqueued.</summary>
    public async Task<Incident?> OpenAsync(string rule, string severity, string summary, IReadOnlyDictionary<string, string> labels,
        DateTimeOffset now, CancellationToken ct)
    {
        var incident = new Incident(Guid.NewGuid(), rule, severity, "firing", summary, now, null);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand("""
            insert into alerts.incidents (id, rule, severity, state, summary, started_at)
            values ($1, $2, $3, 'firing', $4, $5) on conflict do nothing
            """, connection, tx);
        command.Parameters.AddWithValue(incident.Id);
        command.Parameters.AddWithValue(rule);
        command.Parameters.AddWithValue(severity);
        command.Parameters.AddWithValue(summary);
        command.Parameters.AddWithValue(now);
        if (await command.ExecuteNonQueryAsync(ct) != 1)
        {
            return null;
        }
        await connection.NotifyAsync(tx, Changed(incident, IncidentState.Firing, labels, now), ct);
        await outbox.EnqueueAsync(connection, tx, AlertMessage.From(incident, IncidentTransition.Firing), ct);
        await tx.CommitAsync(ct);
        outbox.Committed();
        return incident;
    }

    /// <summary>Resolves an open episode and enqueues its RESOLVED notifications; returns null when it was resolved
    /// already (another replica got there first), in which case nothing is notified or enqueued.</summary>
    public async Task<Incident?> ResolveAsync(Incident incident, IReadOnlyDictionary<string, string> labels, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            "update alerts.incidents set state = 'resolved', resolved_at = $2, updated_at = now() where id = $1 and state = 'firing'", connection, tx);
        command.Parameters.AddWithValue(incident.Id);
        command.Parameters.AddWithValue(now);
        if (await command.ExecuteNonQueryAsync(ct) != 1)
        {
            return null;
        }
        var resolved = incident with { State = "resolved", ResolvedAt = now };
        await connection.NotifyAsync(tx, Changed(incident, IncidentState.Resolved, labels, now), ct);
        await outbox.EnqueueAsync(connection, tx, AlertMessage.From(resolved, IncidentTransition.Resolved), ct);
        await tx.CommitAsync(ct);
        outbox.Committed();
        return resolved;
    }

    /// <summary>Severity is validated at start (critical, warning or info), so it always parses.</summary>
    private static IncidentChanged Changed(Incident incident, IncidentState state, IReadOnlyDictionary<string, string> labels, DateTimeOffset at) =>
        new(incident.Id, state, Enum.Parse<IncidentSeverity>(incident.Severity, ignoreCase: true), incident.Rule, labels, at);

    public async Task<IReadOnlyList<Incident>> ListAsync(string? state, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select id, rule, severity, state, summary, started_at, resolved_at from alerts.incidents
            where ($1::text is null or state = $1) order by started_at desc limit $2
            """);
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)state ?? DBNull.Value);
        command.Parameters.AddWithValue(limit);
        var list = new List<Incident>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(Read(reader));
        }
        return list;
    }

    private static Incident Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
}
