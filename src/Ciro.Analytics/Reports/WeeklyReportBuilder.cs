using System.Globalization;
using Ciro.Analytics.Experiments;
using Ciro.Analytics.Queries;
using Ciro.Analytics.Rollups;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Analytics.Reports;

/// <summary>Gathers a week's report from the analytics queries the API serves (network, gas, job stages, leaderboard
/// over the weekly rollups), the alerts tables, and the optimisation modules' tables when they exist. Every figure is
/// the same number the dashboard shows for that week.</summary>
public sealed class WeeklyReportBuilder(
    NpgsqlDataSource dataSource, NetworkKpis network, GasKpis gas, JobKpis jobs, WorkerKpis workers, IncidentSummary incidents,
    RollupReconciler rollups, AbExperimentStore abExperiments, UpgradeImpactQuery upgrades, IOptions<ReportOptions> options, TimeProvider clock)
{
    /// <summary>A consumer's calls or gas per call moving by more than this is called out in WhatChanged.</summary>
    private const double NotableChange = 0.10;

    public async Task<WeeklyReport> BuildAsync(ReportPeriod period, CancellationToken ct)
    {
        // The relay keeps rollups current as blocks commit; a report right after a restart or a backfill must not
        // read hours it has not folded yet, so both weeks are reconciled first (a no-op when they are current).
        if (await FirstBlockAtOrAfterAsync(period.Previous.Start, ct) is { } firstBlock)
        {
            await rollups.ReconcileAsync(firstBlock, ct);
        }

        var kpis = await KpisAsync(period, ct);
        var consumers = await GasConsumersAsync(period, ct);
        var incidentSection = await incidents.GetAsync(period, ct);
        var board = await workers.GetLeaderboardAsync(Week(period, pageSize: options.Value.TopRows), ct);
        var leaderboard = board.Items.Select(r => new LeaderboardEntry(r.Rank, r.Worker, r.Assigned, r.Completed, r.Failed, r.SuccessRate,
            r.CompletionP50Seconds, r.Paid)).ToList();
        return new WeeklyReport(period, clock.GetUtcNow(), kpis, consumers, incidentSection,
            await RecommendationsAsync(period, ct),
            await ExperimentsAsync(period, ct),
            leaderboard);
    }

    /// <summary>The gas recommendations seen during the week and not dismissed, plus those verified in it (the saving the
    /// data now shows), largest weekly L2 gas saving first. Same rows as GET /api/recommendations.</summary>
    private async Task<OptionalSection> RecommendationsAsync(ReportPeriod period, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select title, rule, status, weekly_l2_gas, weekly_l1_data_gas, weekly_fee_fri, confidence
            from ciro.recommendations
            where first_seen < $2
              and ((status <> 'dismissed' and last_seen >= $1) or (status = 'verified' and status_at >= $1 and status_at < $2))
            order by weekly_l2_gas desc, key
            limit $3
            """);
        command.Parameters.AddWithValue(period.Start);
        command.Parameters.AddWithValue(period.End);
        command.Parameters.AddWithValue(options.Value.TopRows);
        var rows = new List<IReadOnlyList<string>>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add([reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.GetInt64(3).ToString("N0", CultureInfo.InvariantCulture), reader.GetInt64(4).ToString("N0", CultureInfo.InvariantCulture),
                    (reader.GetDecimal(5) / 1_000_000_000_000_000_000m).ToString("N4", CultureInfo.InvariantCulture), reader.GetString(6)]);
            }
        }
        return rows.Count == 0
            ? new(false, "Recommendations: none seen or verified in this week.", [], [])
            : new(true, "", ["Recommendation", "Rule", "Status", "Weekly L2 gas saving", "Weekly L1 data gas saving", "Weekly fee saving (STRK)", "Confidence"], rows);
    }

    /// <summary>The A/B experiments running at some time in the week (results as of the week's end, so a report reads
    /// the same whenever it is rebuilt; the confidence sequences make a look at any time valid), then the week's
    /// upgrades with their before/after (24-hour windows, as GET /api/experiments/upgrades by default).</summary>
    private async Task<OptionalSection> ExperimentsAsync(ReportPeriod period, CancellationToken ct)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var e in await abExperiments.ActiveInAsync(period.Start, period.End, ct))
        {
            var r = await abExperiments.EvaluateAsync(e, ct, asOf: period.End);
            var ended = (e.StoppedAt, e.EndTime) switch
            {
                ({ } s, { } t) => s < t ? s : t,
                ({ } s, null) => s,
                (null, { } t) => t,
                _ => (DateTimeOffset?)null,
            };
            var d = r.Difference;
            rows.Add([
                $"A/B: {e.Name}",
                ended is { } end && end <= period.End ? "concluded" : "running",
                e.EntryPoint,
                Invariant($"A {r.Control.Calls:N0} calls, mean {r.Control.Mean:N0}; B {r.Treatment.Calls:N0} calls, mean {r.Treatment.Mean:N0}; B − A {d.Estimate:+#,0;-#,0;0} [{d.Lower:+#,0;-#,0;0}, {d.Upper:+#,0;-#,0;0}]") + LatencyText(r.Latency),
                r.SampleRatio.Mismatch ? Invariant($"mismatch (p = {r.SampleRatio.PValue:G3})") : "ok",
                r.Guardrail,
                $"{r.Decision}: {r.Reason}",
            ]);
        }
        foreach (var change in await upgrades.ListChangesAsync(null, null, ct))
        {
            if (change.ChangedAt < period.Start || change.ChangedAt >= period.End)
            {
                continue;
            }
            var u = await upgrades.AnalyseAsync(change, TimeSpan.FromHours(24), ct);
            rows.Add([
                $"Upgrade: {change.Contract} at block {change.Block}",
                u.AfterComplete ? "concluded" : "running",
                $"Sierra {change.PreviousSierraVersion ?? "?"} → {change.SierraVersion ?? "?"}",
                u.Verdict,
                "",
                "",
                u.Changed ? "changed" : "no effect",
            ]);
        }
        return rows.Count == 0
            ? new(false, "Experiments: no A/B experiment ran and no contract was upgraded in this week.", [], [])
            : new(true, "", ["Experiment", "Status", "Entry point / classes", "Result", "Sample ratio", "Guardrail", "Decision"], rows);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The experiment's latency beside its gas: B − A in seconds with its interval, once each arm has two units.</summary>
    private static string LatencyText(AbLatency latency) => latency.Difference is { } l
        ? Invariant($"; {(latency.Kind == AbExperimentStore.JobCompletionLatency ? "job completion time" : "inclusion time")} B − A {l.Estimate:+0.0;-0.0;0} s [{l.Lower:+0.0;-0.0;0}, {l.Upper:+0.0;-0.0;0}]")
        : "";

    private async Task<List<KpiChange>> KpisAsync(ReportPeriod period, CancellationToken ct)
    {
        var (now, before) = (await WeekFiguresAsync(period, ct), await WeekFiguresAsync(period.Previous, ct));
        return
        [
            Change("Transactions", "tx", now.Network?.Transactions, before.Network?.Transactions),
            Change("Reverted share", "%", now.Network?.RevertedShare * 100, before.Network?.RevertedShare * 100),
            Change("Blocks", "blocks", now.Network?.Blocks, before.Network?.Blocks),
            Change("Events", "events", now.Network?.Events, before.Network?.Events),
            Change("L2 gas used", "gas", now.Network?.L2Gas, before.Network?.L2Gas),
            Change("Mean block time", "s", now.Network?.BlockTimeMeanSeconds, before.Network?.BlockTimeMeanSeconds),
            Change("Jobs completed", "jobs", now.JobsCompleted, before.JobsCompleted),
            Change("Jobs failed", "jobs", now.JobsFailed, before.JobsFailed),
            Change("Assigned to completed, mean", "s", now.AssignedToCompletedMeanSeconds, before.AssignedToCompletedMeanSeconds),
            Change("Active workers", "workers", now.ActiveWorkers, before.ActiveWorkers),
        ];
    }

    private sealed record WeekFigures(NetworkRow? Network, long JobsCompleted, long JobsFailed, double? AssignedToCompletedMeanSeconds, long ActiveWorkers);

    private async Task<WeekFigures> WeekFiguresAsync(ReportPeriod period, CancellationToken ct)
    {
        var request = Week(period);
        var networkRow = (await network.GetAsync(request, ct)).Items.SingleOrDefault();
        var stage = (await jobs.GetStagesAsync(request, ct)).Items.SingleOrDefault(s => s.Stage == "assigned_to_completed");
        var board = (await workers.GetLeaderboardAsync(request, ct)).Items;
        return new WeekFigures(networkRow, board.Sum(w => w.Completed), board.Sum(w => w.Failed), stage?.MeanSeconds, board.Count);
    }

    private static KpiChange Change(string name, string unit, double? thisWeek, double? previousWeek) =>
        new(name, unit, thisWeek, previousWeek, Relative(thisWeek, previousWeek));

    private static double? Relative(double? now, double? before) =>
        now is { } n && before is { } b && b != 0 ? Math.Round((n - b) / b, 6) : null;

    private async Task<List<GasConsumer>> GasConsumersAsync(ReportPeriod period, CancellationToken ct)
    {
        var all = Week(period, pageSize: int.MaxValue, metric: "l2_gas");
        var thisWeek = (await gas.GetAsync(all, ct)).Items;
        var previous = (await gas.GetAsync(Week(period.Previous, pageSize: int.MaxValue, metric: "l2_gas"), ct)).Items
            .ToDictionary(r => (r.Contract, r.Selector, r.CallShape));
        var top = thisWeek.OrderByDescending(r => r.L2Gas).ThenBy(r => r.Contract).ThenBy(r => r.Selector).ThenBy(r => r.CallShape)
            .Take(options.Value.TopRows).ToList();
        return top.Select((r, i) =>
        {
            var before = previous.GetValueOrDefault((r.Contract, r.Selector, r.CallShape));
            double? perCall = r.TxCount > 0 ? (double)r.L2Gas / r.TxCount : null;
            double? perCallBefore = before is { TxCount: > 0 } ? (double)before.L2Gas / before.TxCount : null;
            return new GasConsumer(i + 1, r.Contract, r.Function, r.CallShape, r.TxCount, r.L2Gas, r.L1DataGas, r.ShareOfTotal,
                before?.TxCount ?? 0, before?.L2Gas ?? 0, Relative(r.L2Gas, before?.L2Gas), perCall is { } p ? Math.Round(p, 2) : null,
                perCallBefore is { } pb ? Math.Round(pb, 2) : null, WhatChanged(r, before, perCall, perCallBefore));
        }).ToList();
    }

    private static string WhatChanged(GasRow now, GasRow? before, double? perCall, double? perCallBefore)
    {
        if (before is null || before.TxCount == 0)
        {
            return "new this week";
        }
        var parts = new List<string>();
        if (Relative(now.TxCount, before.TxCount) is { } calls && Math.Abs(calls) > NotableChange)
        {
            parts.Add($"calls {Percent(calls)}");
        }
        if (Relative(perCall, perCallBefore) is { } gasPerCall && Math.Abs(gasPerCall) > NotableChange)
        {
            parts.Add($"gas per call {Percent(gasPerCall)}");
        }
        return parts.Count == 0 ? "steady" : string.Join(", ", parts);
    }

    public static string Percent(double change) =>
        (change >= 0 ? "+" : "") + (change * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    private static KpiRequest Week(ReportPeriod period, int pageSize = 1000, string? metric = null) =>
        new(period.Start, period.End, Buckets.Week, null, null, null, null, metric, 1, pageSize, false);

    private async Task<long?> FirstBlockAtOrAfterAsync(DateTimeOffset time, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select min(block_number) from ciro.blocks where block_time >= $1");
        command.Parameters.AddWithValue(time);
        return await command.ExecuteScalarAsync(ct) is long block ? block : null;
    }
}
