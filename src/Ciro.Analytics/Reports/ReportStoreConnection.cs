using Npgsql;

namespace Ciro.Analytics.Reports;

/// <summary>The connection string of the report scheduler's job store (reports.qrtz_*): the service's own with a
/// small pool. Quartz opens its connections from the string, so they live in Npgsql's process-wide pool for that
/// string — not the host's data source — and a bound keeps its weekly job and cluster check-ins from taking more
/// of the server's connection slots than they need.</summary>
public sealed record ReportStoreConnection(string ConnectionString)
{
    public const int MaxPoolSize = 5;

    public static ReportStoreConnection For(string database) =>
        new(new NpgsqlConnectionStringBuilder(database) { MaxPoolSize = MaxPoolSize }.ConnectionString);
}
