using Ciro.Messages;
using Ciro.Storage;
using Npgsql;

namespace Ciro.Alerts.Incidents;

/// <summary>Incidents and deliveries in PostgreSQL (schema created by the indexer's migrations). Every state
/// change commits with its <see cref="IncidentChanged"/> notification, so the dashboard hears of exactly the
/// changes that are stored.</summary>
public sealed class IncidentStore(NpgsqlDataSource dataSource)
{
    public async Task<Incident?> GetOpenAsync(string rule, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select id, rule, severity, state, summary, started_at, resolved_at from alerts.incidents where rule = $1 and state = 'firing'");
        command.Parameters.AddWithValue(rule);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>Opens an episode; returns null when another evaluator opened it first (unique open index).</summary>
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
        await tx.CommitAsync(ct);
        return incident;
    }

    public async Task<Incident> ResolveAsync(Incident incident, IReadOnlyDictionary<string, string> labels, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            "update alerts.incidents set state = 'resolved', resolved_at = $2, updated_at = now() where id = $1 and state = 'firing'", connection, tx);
        command.Parameters.AddWithValue(incident.Id);
        command.Parameters.AddWithValue(now);
        if (await command.ExecuteNonQueryAsync(ct) == 1)
        {
            await connection.NotifyAsync(tx, Changed(incident, IncidentState.Resolved, labels, now), ct);
        }
        await tx.CommitAsync(ct);
        return incident with { State = "resolved", ResolvedAt = now };
    }

    /// <summary>Severity is validated at start (critical, warning or info), so it always parses.</summary>
    private static IncidentChanged Changed(Incident incident, IncidentState state, IReadOnlyDictionary<string, string> labels, DateTimeOffset at) =>
        new(incident.Id, state, Enum.Parse<IncidentSeverity>(incident.Severity, ignoreCase: true), incident.Rule, labels, at);

    public async Task RecordDeliveryAsync(Incident incident, IncidentTransition kind, string channel, string target,
        bool succeeded, int attempts, string? error, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            insert into alerts.deliveries (incident_id, kind, channel, target, succeeded, attempts, error)
            values ($1, $2, $3, $4, $5, $6, $7)
            """);
        command.Parameters.AddWithValue(incident.Id);
        command.Parameters.AddWithValue(kind == IncidentTransition.Firing ? "firing" : "resolved");
        command.Parameters.AddWithValue(channel);
        command.Parameters.AddWithValue(target);
        command.Parameters.AddWithValue(succeeded);
        command.Parameters.AddWithValue(attempts);
        command.Parameters.AddWithValue((object?)error ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(ct);
    }

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
