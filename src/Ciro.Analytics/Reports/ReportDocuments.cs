using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Ciro.Analytics.Queries;

namespace Ciro.Analytics.Reports;

/// <summary>The report's three forms from one <see cref="WeeklyReport"/>: JSON (the record as the API would serialise
/// it), CSV (each section a table under a "# section" line, cells quoted as the KPI CSVs are) and the HTML that
/// Chromium prints to PDF. Numbers are written once here, so the PDF and the CSV agree.</summary>
public static class ReportDocuments
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Title(WeeklyReport report) =>
        $"Ciro weekly report {report.Period.Name} ({Day(report.Period.Start)} – {Day(report.Period.End.AddDays(-1))})";

    public static string ToJson(WeeklyReport report) => JsonSerializer.Serialize(report, Json);

    public static string ToCsv(WeeklyReport report)
    {
        var csv = new StringBuilder();
        void Section(string name, string table)
        {
            csv.Append("# ").Append(name).Append("\r\n").Append(table).Append("\r\n");
        }
        Section("KPIs", Csv.Write(report.Kpis));
        Section("Top gas consumers", Csv.Write(report.GasConsumers));
        Section("Incidents", Csv.Write([new
        {
            report.Incidents.Opened, report.Incidents.StillOpen, report.Incidents.Acknowledged, report.Incidents.Resolved,
            report.Incidents.MeanTimeToAcknowledgeSeconds, report.Incidents.MeanTimeToResolveSeconds, report.Incidents.PreviousOpened,
            report.Incidents.PreviousMeanTimeToAcknowledgeSeconds, report.Incidents.PreviousMeanTimeToResolveSeconds,
        }]));
        Section("Incident list", Csv.Write(report.Incidents.Incidents));
        Section("Recommendations", Optional(report.Recommendations));
        Section("Experiments", Optional(report.Experiments));
        Section("Worker leaderboard", Csv.Write(report.Leaderboard));
        return csv.ToString();
    }

    private static string Optional(OptionalSection section) => section.Available
        ? Csv.Write(section.Rows.Select(r => new { Cells = string.Join(" | ", r) }))
        : Csv.Write([new { section.Note }]);

    public static string ToHtml(WeeklyReport report)
    {
        var html = new StringBuilder();
        html.Append($$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{{E(Title(report))}}</title>
            <style>
              @page { size: A4 landscape; margin: 12mm 12mm; }
              body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 9.5pt; color: #1b1f24; }
              h1 { font-size: 16pt; margin: 0 0 2mm; }
              h2 { font-size: 12pt; margin: 7mm 0 2mm; border-bottom: 1px solid #888; padding-bottom: 1mm; }
              p.meta, p.note { color: #555; margin: 0 0 2mm; }
              table { border-collapse: collapse; width: 100%; }
              th, td { border-bottom: 1px solid #ddd; padding: 1.2mm 1.5mm; text-align: left; vertical-align: top; }
              td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
              tr { page-break-inside: avoid; }
            </style></head><body>
            <h1>{{E(Title(report))}}</h1>
            <p class="meta">Generated {{E(Time(report.GeneratedAt))}} UTC. Week {{E(Time(report.Period.Start))}} to {{E(Time(report.Period.End))}} UTC, compared with the week before.</p>
            """);

        html.Append("<h2>1. KPIs, week over week</h2>");
        Table(html, ["KPI", "This week", "Previous week", "Change"], report.Kpis.Select(k => new[]
        {
            $"{E(k.Name)} ({E(k.Unit)})", N(Value(k.ThisWeek)), N(Value(k.PreviousWeek)), N(ChangeText(k.Change)),
        }));

        html.Append("<h2>2. Top gas consumers (L2 gas) and what changed</h2>");
        Table(html, ["#", "Contract", "Function", "Shape", "Tx", "L2 gas", "Share", "Prev. L2 gas", "Change", "Gas/call", "Prev. gas/call", "What changed"],
            report.GasConsumers.Select(g => new[]
            {
                N(g.Rank.ToString(Invariant)), E(Short(g.Contract)), E(g.Function), E(g.CallShape), N(Int(g.Transactions)), N(Int(g.L2Gas)),
                N(g.ShareOfL2Gas is { } s ? (s * 100).ToString("0.0", Invariant) + "%" : "–"), N(Int(g.PreviousL2Gas)), N(ChangeText(g.L2GasChange)),
                N(Value(g.GasPerCall)), N(Value(g.PreviousGasPerCall)), E(g.WhatChanged),
            }));
        if (report.GasConsumers.Count == 0)
        {
            html.Append("<p class=\"note\">No gas was used in this week.</p>");
        }

        var i = report.Incidents;
        html.Append("<h2>3. Incidents, MTTA and MTTR</h2>");
        Table(html, ["Measure", "This week", "Previous week"],
        [
            ["Incidents opened", N(Int(i.Opened)), N(Int(i.PreviousOpened))],
            ["Still open", N(Int(i.StillOpen)), N("")],
            ["Acknowledged", N(Int(i.Acknowledged)), N("")],
            ["Resolved", N(Int(i.Resolved)), N("")],
            ["MTTA (mean time to acknowledge)", N(Duration(i.MeanTimeToAcknowledgeSeconds)), N(Duration(i.PreviousMeanTimeToAcknowledgeSeconds))],
            ["MTTR (mean time to resolve)", N(Duration(i.MeanTimeToResolveSeconds)), N(Duration(i.PreviousMeanTimeToResolveSeconds))],
        ]);
        if (i.BySeverity.Count > 0)
        {
            html.Append($"<p class=\"note\">By severity: {E(string.Join(", ", i.BySeverity.Select(s => $"{s.Severity} {s.Incidents}")))}.</p>");
        }
        Table(html, ["Rule", "Severity", "State", "Started (UTC)", "Acknowledged after", "Resolved after", "Summary"],
            i.Incidents.Select(l => new[]
            {
                E(l.Rule), E(l.Severity), E(l.State), E(Time(l.StartedAt)), N(Duration(l.AcknowledgedAfterSeconds)), N(Duration(l.ResolvedAfterSeconds)), E(l.Summary),
            }));

        html.Append("<h2>4. Recommendations and savings verified</h2>");
        OptionalTable(html, report.Recommendations);
        html.Append("<h2>5. Experiment results</h2>");
        OptionalTable(html, report.Experiments);

        html.Append("<h2>6. Worker leaderboard</h2>");
        Table(html, ["Rank", "Worker", "Assigned", "Completed", "Failed", "Success rate", "Completion p50", "Paid"],
            report.Leaderboard.Select(w => new[]
            {
                N(w.Rank?.ToString(Invariant) ?? "unranked"), E(Short(w.Worker)), N(Int(w.Assigned)), N(Int(w.Completed)), N(Int(w.Failed)),
                N(w.SuccessRate is { } r ? (r * 100).ToString("0.0", Invariant) + "%" : "–"), N(Duration(w.CompletionP50Seconds)), N(E(w.Paid)),
            }));
        if (report.Leaderboard.Count == 0)
        {
            html.Append("<p class=\"note\">No worker had a job this week.</p>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void OptionalTable(StringBuilder html, OptionalSection section)
    {
        if (!section.Available)
        {
            html.Append($"<p class=\"note\">{E(section.Note)}</p>");
            return;
        }
        Table(html, [.. section.Columns], section.Rows.Select(r => r.Select(E).ToArray()));
    }

    /// <summary>Cells are HTML already; a cell starting with the numeric marker is right-aligned.</summary>
    private static void Table(StringBuilder html, string[] headers, IEnumerable<string[]> rows)
    {
        html.Append("<table><thead><tr>");
        foreach (var h in headers)
        {
            html.Append("<th>").Append(E(h)).Append("</th>");
        }
        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append(cell.StartsWith(NumericMarker, StringComparison.Ordinal)
                    ? $"<td class=\"n\">{cell[NumericMarker.Length..]}</td>"
                    : $"<td>{cell}</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
    }

    private const string NumericMarker = "\u0001";

    private static string N(string encoded) => NumericMarker + encoded;

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Integers with thousands separators (1,234,567); fractions to two places.</summary>
    public static string Value(double? value) => value switch
    {
        null => "–",
        { } v when v == Math.Floor(v) && Math.Abs(v) < 1e15 => ((long)v).ToString("N0", Invariant),
        { } v => v.ToString("N2", Invariant),
    };

    public static string Int(long value) => value.ToString("N0", Invariant);

    public static string ChangeText(double? change) => change is { } c ? WeeklyReportBuilder.Percent(c) : "–";

    /// <summary>Seconds as "1 h 02 min", "4 min 05 s" or "12.5 s".</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s)
        {
            return "–";
        }
        var t = TimeSpan.FromSeconds(s);
        return s switch
        {
            >= 3600 => $"{(int)t.TotalHours} h {t.Minutes:00} min",
            >= 60 => $"{(int)t.TotalMinutes} min {t.Seconds:00} s",
            _ => s.ToString("0.#", Invariant) + " s",
        };
    }

    private static string Short(string felt) => felt.Length > 20 ? $"{felt[..10]}…{felt[^6..]}" : felt;

    private static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", Invariant);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Invariant);
}
