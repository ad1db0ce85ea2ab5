using System.Numerics;
using Ciro.Analytics.Anomalies;
using Ciro.Analytics.Rollups;
using Ciro.Starknet;
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

    /// <summary>Replays the detector over the 28 days before the range (its warm-up and baseline), then reports the range.
    /// Reads only the counts and sums the series use (<see cref="NetworkHour"/>, <see cref="GasHour"/>), not whole rollup
    /// rows: 58 days of hourly gas rows are ~35,000 rows of five DDSketches each, and building those sketches took
    /// 2.5–4.3 s of a 30-day request on the 50M-event year.</summary>
    public async Task<TablePage<AnomalyRow>> GetAsync(KpiRequest request, CancellationToken ct)
    {
        var start = Buckets.Floor(request.From - History, Buckets.Hour);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var network = new Dictionary<DateTimeOffset, NetworkHour>();
        await using (var command = new NpgsqlCommand("""
            select bucket_start, blocks, tx_count, reverted, events, l2_gas, intervals, interval_ms_sum
            from ciro.rollup_network where bucket = $1 and bucket_start >= $2 and bucket_start < $3
            """, connection))
        {
            command.Parameters.AddWithValue(Buckets.Hour);
            command.Parameters.AddWithValue(start);
            command.Parameters.AddWithValue(request.To);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                network[reader.GetFieldValue<DateTimeOffset>(0)] = new NetworkHour(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                    reader.GetInt64(4), reader.GetFieldValue<BigInteger>(5), reader.GetInt64(6), reader.GetFieldValue<BigInteger>(7));
            }
        }
        var functionFiltered = request.Contract is not null || request.FunctionName is not null || request.Selector is not null;
        var metric = request.Metric!;
        // The gas rows are the value of a filtered series and the driver of tx_count and l2_gas; the other network
        // series (events, reverted_share, block_time) never use them, so they are not read: ~30,000 rows for a
        // 30-day request on the 50M-event year, 0.2-0.3 s of SQL where the network rows take 7 ms.
        var readsGas = functionFiltered || metric is "tx_count" or "l2_gas";
        var (filter, values) = GasKpis.Filter(request, 4);
        var gas = new List<GasHour>();
        if (readsGas)
        {
            await using (var command = new NpgsqlCommand($"""
                select bucket_start, contract, selector, function_name, tx_count, l2_gas
                from ciro.rollup_gas where bucket = $1 and bucket_start >= $2 and bucket_start < $3 {filter}
                order by bucket_start, contract, selector, multicall
                """, connection))
            {
                command.Parameters.AddWithValue(Buckets.Hour);
                command.Parameters.AddWithValue(start);
                command.Parameters.AddWithValue(request.To);
                foreach (var value in values)
                {
                    command.Parameters.AddWithValue(value);
                }
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    gas.Add(new GasHour(reader.GetFieldValue<DateTimeOffset>(0), Felt.FromBytes(reader.GetFieldValue<byte[]>(1)),
                        Felt.FromBytes(reader.GetFieldValue<byte[]>(2)), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4),
                        reader.GetFieldValue<BigInteger>(5)));
                }
            }
        }
        var gasByHour = gas.GroupBy(r => r.Hour).ToDictionary(g => g.Key, g => g.ToList());
        var detector = new StreamingDetector(functionFiltered ? $"{metric} of the filtered functions" : $"network {metric}");
        var rows = new List<AnomalyRow>();
        var history = new Dictionary<string, (double Sum, int Hours)>();
        // "Per hour before" averages over the replay's hours the chain had blocks: the 28 days replayed may start
        // before the chain did, and those empty hours are no data, not hours without calls.
        var hoursWithBlocks = 0;
        for (var hour = start; hour < request.To; hour = hour.AddHours(1))
        {
            var value = Value(metric, functionFiltered, network.GetValueOrDefault(hour), gasByHour.GetValueOrDefault(hour));
            var score = detector.Observe(hour, value);
            var perFunction = (gasByHour.GetValueOrDefault(hour) ?? []).GroupBy(r => FunctionLabel(r))
                .ToDictionary(g => g.Key, g => g.Sum(r => metric == "l2_gas" ? (double)r.L2Gas : r.TxCount));
            string? driver = null;
            if (score.Score >= 0.5 && metric is "tx_count" or "l2_gas" && perFunction.Count > 0)
            {
                var hoursSeen = Math.Max(1, hoursWithBlocks);
                var top = perFunction.MaxBy(kv => kv.Value - history.GetValueOrDefault(kv.Key).Sum / hoursSeen);
                driver = $"{top.Key}: {top.Value:G6} this hour vs {history.GetValueOrDefault(top.Key).Sum / hoursSeen:G6} per hour before";
            }
            foreach (var (label, v) in perFunction)
            {
                var h = history.GetValueOrDefault(label);
                history[label] = (h.Sum + v, h.Hours + 1);
            }
            if (network.GetValueOrDefault(hour) is { Blocks: > 0 })
            {
                hoursWithBlocks++;
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

    private static double Value(string metric, bool functionFiltered, NetworkHour? network, List<GasHour>? gas)
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

    private static string FunctionLabel(GasHour r) => $"{r.Contract}.{r.FunctionName ?? r.Selector.ToString()}";

    /// <summary>The fields of an hourly <see cref="NetworkRollup"/> row the series read.</summary>
    private sealed record NetworkHour(long Blocks, long TxCount, long Reverted, long Events, BigInteger L2Gas, long Intervals, BigInteger IntervalMsSum);

    /// <summary>The fields of an hourly <see cref="GasRollup"/> row the series and the driver read.</summary>
    private sealed record GasHour(DateTimeOffset Hour, Felt Contract, Felt Selector, string? FunctionName, long TxCount, BigInteger L2Gas);
}
