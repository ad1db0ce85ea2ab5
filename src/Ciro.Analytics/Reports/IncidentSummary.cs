using Npgsql;

namespace Ciro.Analytics.Reports;

/// <summary>The week's incidents from the alerts tables. MTTA and MTTR follow the alerts service's own stats
/// (GET /api/alerts/incidents/stats): means over the incidents that started in the range.</summary>
public sealed class IncidentSummary(NpgsqlDataSource dataSource)
{
    /// <summary>Incidents listed one by one (newest first); the counts and means cover all of them.</summary>
    public const int ListedIncidents = 50;

    public async Task<IncidentSection> GetAsync(ReportPeriod period, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (opened, stillOpen, acknowledged, mtta, resolved, mttr) = await StatsAsync(connection, period, ct);
        var (previousOpened, _, _, previousMtta, _, previousMttr) = await StatsAsync(connection, period.Previous, ct);

        var bySeverity = new List<SeverityCount>();
        await using (var command = new NpgsqlCommand("""
            select severity, count(*) from alerts.incidents where started_at >= $1 and started_at < $2
            group by severity order by case severity when 'critical' then 0 when 'warning' then 1 else 2 end, severity
            """, connection))
        {
            command.Parameters.AddWithValue(period.Start);
            command.Parameters.AddWithValue(period.End);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                bySeverity.Add(new SeverityCount(reader.GetString(0), reader.GetInt64(1)));
            }
        }

        var lines = new List<IncidentLine>();
        await using (var command = new NpgsqlCommand($"""
            select rule, severity, state, started_at, extract(epoch from acknowledged_at - started_at)::float8,
                   extract(epoch from resolved_at - started_at)::float8, summary
            from alerts.incidents where started_at >= $1 and started_at < $2
            order by started_at desc, id limit {ListedIncidents}
            """, connection))
        {
            command.Parameters.AddWithValue(period.Start);
            command.Parameters.AddWithValue(period.End);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lines.Add(new IncidentLine(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.IsDBNull(4) ? null : reader.GetDouble(4), reader.IsDBNull(5) ? null : reader.GetDouble(5), reader.GetString(6)));
            }
        }
        return new IncidentSection(opened, stillOpen, acknowledged, resolved, mtta, mttr, previousOpened, previousMtta, previousMttr, bySeverity, lines);
    }

    private static async Task<(long Opened, long Open, long Acknowledged, double? Mtta, long Resolved, double? Mttr)> StatsAsync(
        NpgsqlConnection connection, ReportPeriod period, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            select count(*), count(*) filter (where state <> 'resolved'),
              count(acknowledged_at), avg(extract(epoch from acknowledged_at - started_at))::float8,
              count(resolved_at), avg(extract(epoch from resolved_at - started_at))::float8
            from alerts.incidents where started_at >= $1 and started_at < $2
            """, connection);
        command.Parameters.AddWithValue(period.Start);
        command.Parameters.AddWithValue(period.End);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetDouble(3),
            reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetDouble(5));
    }
}
