using Npgsql;

namespace Ciro.Analytics.Reports;

/// <summary>A report in the list: what it covers and when it was made and mailed (no content).</summary>
public sealed record ReportSummary(
    Guid Id, string Kind, string Name, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, DateTimeOffset GeneratedAt,
    DateTimeOffset? ScheduledFor, DateTimeOffset? EmailedAt, IReadOnlyList<string> EmailedTo, string? EmailError, int PdfBytes, int CsvBytes);

/// <summary>One downloadable form of a report.</summary>
public sealed record ReportFile(string FileName, string ContentType, byte[] Content);

/// <summary>reports.reports: one row per (kind, period), written once, whoever generates it first.</summary>
public sealed class ReportArchive(NpgsqlDataSource dataSource)
{
    public const string Weekly = "weekly";

    public static readonly string[] Formats = ["pdf", "csv", "json"];

    public async Task<ReportSummary?> FindAsync(string kind, DateTimeOffset periodStart, CancellationToken ct) =>
        (await QueryAsync("where kind = $1 and period_start = $2", [kind, periodStart], 1, ct)).SingleOrDefault();

    public async Task<ReportSummary?> GetAsync(Guid id, CancellationToken ct) =>
        (await QueryAsync("where id = $1", [id], 1, ct)).SingleOrDefault();

    /// <summary>Newest period first.</summary>
    public Task<IReadOnlyList<ReportSummary>> ListAsync(int limit, CancellationToken ct) => QueryAsync("", [], limit, ct);

    /// <summary>Stores the report unless its period is already stored (a concurrent or repeated run); true when this
    /// call wrote it.</summary>
    public async Task<bool> InsertAsync(WeeklyReport report, DateTimeOffset? scheduledFor, string json, string csv, byte[] pdf, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            insert into reports.reports (id, kind, period_start, period_end, generated_at, scheduled_for, content, csv, pdf)
            values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
            on conflict (kind, period_start) do nothing
            """);
        command.Parameters.AddWithValue(Guid.CreateVersion7());
        command.Parameters.AddWithValue(Weekly);
        command.Parameters.AddWithValue(report.Period.Start);
        command.Parameters.AddWithValue(report.Period.End);
        command.Parameters.AddWithValue(report.GeneratedAt);
        command.Parameters.AddWithValue(scheduledFor is { } s ? s : DBNull.Value);
        command.Parameters.AddWithValue(json);
        command.Parameters.AddWithValue(csv);
        command.Parameters.AddWithValue(pdf);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<ReportFile?> GetFileAsync(Guid id, string format, CancellationToken ct)
    {
        var column = format switch
        {
            "pdf" => "pdf",
            "csv" => "convert_to(csv, 'UTF8')",
            _ => "convert_to(content::text, 'UTF8')",
        };
        await using var command = dataSource.CreateCommand($"select kind, period_start, {column} from reports.reports where id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var name = FileName(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), format);
        var type = format switch { "pdf" => "application/pdf", "csv" => "text/csv; charset=utf-8", _ => "application/json; charset=utf-8" };
        return new ReportFile(name, type, reader.GetFieldValue<byte[]>(2));
    }

    public static string FileName(string kind, DateTimeOffset periodStart, string format) =>
        $"ciro-{kind}-{new ReportPeriod(periodStart, periodStart.AddDays(7)).Name}.{format}";

    private async Task<IReadOnlyList<ReportSummary>> QueryAsync(string where, object[] values, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select id, kind, period_start, period_end, generated_at, scheduled_for, emailed_at, email_recipients, email_error,
                   octet_length(pdf), octet_length(csv)
            from reports.reports {where}
            order by period_start desc, kind limit {limit}
            """);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        var rows = new List<ReportSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var start = reader.GetFieldValue<DateTimeOffset>(2);
            rows.Add(new ReportSummary(reader.GetGuid(0), reader.GetString(1), new ReportPeriod(start, start.AddDays(7)).Name, start,
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<string[]>(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetInt32(9), reader.GetInt32(10)));
        }
        return rows;
    }
}
