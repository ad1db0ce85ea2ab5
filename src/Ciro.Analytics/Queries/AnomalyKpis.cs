using Ciro.Analytics.Anomalies;
using Ciro.Analytics.Rollups;
using Npgsql;

namespace Ciro.Analytics.Queries;

/// <summary>A scored hour; EpisodeStart marks the first hour of an anomaly episode (one alert per incident), Kind
/// and Baseline say what changed and against which expectation; Driver names the contract function whose value
/// moved most that hour (for gas and transaction series), so an operator knows where to look.</summary>
public sealed record AnomalyRow(DateTimeOffset Hour, double? Value, double Score, double? Expected, double? Lower, double? Upper,
    bool WarmingUp, bool EpisodeStart, ChangeKind Kind, Baseline Baseline, string Explanation, string? Driver);

/// <summary>The hourly series behind GET /api/kpi/anomalies, read from the rollups and scored by the streaming
/// detector (the same one the offline detect command and the benchmark run).</summary>
public sealed class AnomalyKpis(NpgsqlDataSource dataSource)
{
    private static readonly TimeSpan History = TimeSpan.FromDays(28);

    /// <summary>Replays the detector over the 28 days before the range (its warm-up and baseline), then reports the range.</summary>
    public async Task<TablePage<AnomalyRow>> GetAsync(KpiRequest request, CancellationToken ct)
    {
        var start = Buckets.Floor(request.From - History, Buckets.Hour);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var network = (await RollupStore.LoadAsync<NetworkRollup, NetworkRollup.Whole>(connection, null, Buckets.Hour, start, request.To, t => t, ct))
            .Rows.ToDictionary(r => r.BucketStart);
        var (filter, values) = GasKpis.Filter(request, 4);
        var gas = await RollupStore.LoadAsync<GasRollup, GasKey>(connection, null, Buckets.Hour, start, request.To, t => t, ct, filter, values);
        var functionFiltered = request.Contract is not null || request.FunctionName is not null || request.Selector is not null;
        var gasByHour = gas.Rows.GroupBy(r => r.BucketStart).ToDictionary(g => g.Key, g => g.ToList());
        var metric = request.Metric!;
        var detector = new StreamingDetector(functionFiltered ? $"{metric} of the filtered functions" : $"network {metric}");
        var rows = new List<AnomalyRow>();
        var history = new Dictionary<string, (double Sum, int Hours)>();
        for (var hour = start; hour < request.To; hour = hour.AddHours(1))
        {
            var value = Value(metric, functionFiltered, network.GetValueOrDefault(hour), gasByHour.GetValueOrDefault(hour));
            var score = detector.Observe(hour, value);
            var perFunction = (gasByHour.GetValueOrDefault(hour) ?? []).GroupBy(r => FunctionLabel(r))
                .ToDictionary(g => g.Key, g => g.Sum(r => metric == "l2_gas" ? (double)r.L2Gas : r.TxCount));
            string? driver = null;
            if (score.Score >= 0.5 && metric is "tx_count" or "l2_gas" && perFunction.Count > 0)
            {
                var hoursSeen = Math.Max(1, (int)(hour - start).TotalHours);
                var top = perFunction.MaxBy(kv => kv.Value - history.GetValueOrDefault(kv.Key).Sum / hoursSeen);
                driver = $"{top.Key}: {top.Value:G6} this hour vs {history.GetValueOrDefault(top.Key).Sum / hoursSeen:G6} per hour before";
            }
            foreach (var (label, v) in perFunction)
            {
                var h = history.GetValueOrDefault(label);
                history[label] = (h.Sum + v, h.Hours + 1);
            }
            if (hour >= Buckets.Floor(request.From, Buckets.Hour))
            {
                rows.Add(new AnomalyRow(hour, double.IsNaN(value) ? null : value, Math.Round(score.Score, 4), score.Expected, score.Lower, score.Upper,
                    score.WarmingUp, score.EpisodeStart, score.Kind, score.Baseline, score.Explanation, driver));
            }
        }
        return TablePage<AnomalyRow>.Of(rows, request with { Bucket = Buckets.Hour },
            "Scores come from the streaming detector replayed over the 28 days before the range; hours without blocks are 'no data', not zero.");
    }

    private static double Value(string metric, bool functionFiltered, NetworkRollup? network, List<GasRollup>? gas)
    {
        if (network is null || network.Blocks == 0)
        {
            return double.NaN;
        }
        if (functionFiltered)
        {
            return metric == "l2_gas" ? (double)(gas?.Sum(r => (decimal)r.L2Gas) ?? 0) : gas?.Sum(r => r.TxCount) ?? 0;
        }
        return metric switch
        {
            "tx_count" => network.TxCount,
            "l2_gas" => (double)network.L2Gas,
            "events" => network.Events,
            "reverted_share" => network.TxCount == 0 ? 0 : (double)network.Reverted / network.TxCount,
            _ => network.Intervals == 0 ? double.NaN : (double)network.IntervalMsSum / 1000 / network.Intervals,
        };
    }

    private static string FunctionLabel(GasRollup r) => $"{r.Key.Contract}.{r.FunctionName ?? r.Key.Selector.ToString()}";
}
