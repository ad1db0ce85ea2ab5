using Ciro.Analytics.Rollups;

namespace Ciro.Analytics.Reports;

/// <summary>A whole UTC week, Monday 00:00 to the next Monday 00:00 (the rollups' week bucket).</summary>
public sealed record ReportPeriod(DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>The last whole week that ended at or before <paramref name="time"/>: what a run scheduled at
    /// <paramref name="time"/> reports. Every time in one week maps to the same period, which is the report's key.</summary>
    public static ReportPeriod WeekBefore(DateTimeOffset time)
    {
        var end = Buckets.Floor(time, Buckets.Week);
        return new ReportPeriod(end.AddDays(-7), end);
    }

    [System.Text.Json.Serialization.JsonIgnore]
    public ReportPeriod Previous => new(Start.AddDays(-7), Start);

    /// <summary>ISO week name, e.g. 2026-W11.</summary>
    public string Name => $"{System.Globalization.ISOWeek.GetYear(Start.UtcDateTime)}-W{System.Globalization.ISOWeek.GetWeekOfYear(Start.UtcDateTime):00}";
}

/// <summary>The weekly governance and optimisation report: what the PDF, CSV and JSON show, in that order.</summary>
public sealed record WeeklyReport(
    ReportPeriod Period, DateTimeOffset GeneratedAt, IReadOnlyList<KpiChange> Kpis, IReadOnlyList<GasConsumer> GasConsumers,
    IncidentSection Incidents, OptionalSection Recommendations, OptionalSection Experiments, IReadOnlyList<LeaderboardEntry> Leaderboard);

/// <summary>One KPI this week against the week before. Change = (this − previous) / previous; null when the previous
/// week had none (or either week has no value).</summary>
public sealed record KpiChange(string Name, string Unit, double? ThisWeek, double? PreviousWeek, double? Change);

/// <summary>A (contract, function, call shape) among the week's largest L2 gas users, with the same row of the week
/// before. GasPerCall = L2 gas / transactions; WhatChanged says it in words (new, gone from the top, calls and gas
/// per call up or down by more than 10%).</summary>
public sealed record GasConsumer(
    int Rank, string Contract, string Function, string CallShape, long Transactions, long L2Gas, long L1DataGas, double? ShareOfL2Gas,
    long PreviousTransactions, long PreviousL2Gas, double? L2GasChange, double? GasPerCall, double? PreviousGasPerCall, string WhatChanged);

/// <summary>Incidents that started in the week (alerts.incidents), with the alerts service's MTTA/MTTR definitions:
/// mean of acknowledged − started and of resolved − started over those incidents, in seconds.</summary>
public sealed record IncidentSection(
    long Opened, long StillOpen, long Acknowledged, long Resolved, double? MeanTimeToAcknowledgeSeconds, double? MeanTimeToResolveSeconds,
    long PreviousOpened, double? PreviousMeanTimeToAcknowledgeSeconds, double? PreviousMeanTimeToResolveSeconds,
    IReadOnlyList<SeverityCount> BySeverity, IReadOnlyList<IncidentLine> Incidents);

public sealed record SeverityCount(string Severity, long Incidents);

public sealed record IncidentLine(
    string Rule, string Severity, string State, DateTimeOffset StartedAt, double? AcknowledgedAfterSeconds, double? ResolvedAfterSeconds, string Summary);

/// <summary>A section fed by another module's tables (recommendations, experiments): Available is false, with the
/// reason in Note, while those tables do not exist in this database.</summary>
public sealed record OptionalSection(bool Available, string Note, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A row of the week's worker leaderboard (the analytics leaderboard's ranking).</summary>
public sealed record LeaderboardEntry(
    int? Rank, string Worker, long Assigned, long Completed, long Failed, double? SuccessRate, double? CompletionP50Seconds, string Paid);
