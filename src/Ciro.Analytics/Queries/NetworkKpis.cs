using System.Numerics;
using Ciro.Analytics.Rollups;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Analytics.Queries;

/// <summary>Chain health per bucket. Elapsed time = the sum of block intervals of the bucket's blocks (block time
/// minus the previous block's time), so TPS and events/s measure the chain's own clock, not the wall clock.
/// Utilisation = L2 gas used / (blocks × per-block L2 gas limit or target), both configurable.</summary>
public sealed record NetworkRow(
    DateTimeOffset BucketStart, long Blocks, long Transactions, long Reverted, long Events,
    double? Tps, double? EventsPerSecond, double? BlockTimeMeanSeconds, double? BlockTimeP50Seconds, double? BlockTimeP95Seconds, double? BlockTimeP99Seconds,
    long L2Gas, double UtilisationOfLimit, double UtilisationOfTarget, double MaxBlockUtilisationOfLimit, double? P95BlockUtilisationOfLimit,
    string MeanL1GasPriceFri, string MeanL1DataGasPriceFri, string MeanL2GasPriceFri,
    string MeanL1GasPriceWei, string MeanL1DataGasPriceWei, string MeanL2GasPriceWei,
    double? RevertedShare);

/// <summary>One block, for bucket=raw.</summary>
public sealed record BlockRow(
    long BlockNumber, DateTimeOffset BlockTime, double? IntervalSeconds, int Transactions, long Reverted, int Events, long L2Gas,
    double UtilisationOfLimit, double UtilisationOfTarget, string L1GasPriceFri, string L1DataGasPriceFri, string L2GasPriceFri);

/// <summary>Block inclusion intervals: how long the chain took between consecutive blocks.</summary>
public sealed record InclusionRow(DateTimeOffset BucketStart, long Intervals, double? MeanSeconds, double? P50Seconds, double? P95Seconds, double? P99Seconds);

public sealed class NetworkKpis(NpgsqlDataSource dataSource, IOptions<AnalyticsOptions> options)
{
    public async Task<TablePage<NetworkRow>> GetAsync(KpiRequest request, CancellationToken ct)
    {
        var limit = options.Value.BlockL2GasLimit;
        var target = options.Value.BlockL2GasTarget;
        var rows = (await LoadAsync(request, ct)).Select(r =>
        {
            var seconds = (double)r.Amounts[5] / 1000;
            var blocks = r.Counts[0];
            string Mean(int i) => blocks == 0 ? "0" : (r.Amounts[i] / blocks).ToString();
            return new NetworkRow(r.BucketStart, blocks, r.Counts[1], r.Counts[2], r.Counts[3],
                seconds > 0 ? Math.Round(r.Counts[1] / seconds, 6) : null, seconds > 0 ? Math.Round(r.Counts[3] / seconds, 6) : null,
                r.Counts[4] > 0 ? Math.Round(seconds / r.Counts[4], 6) : null,
                GasKpis.Quantile(r.Sketches[0], 0.5, 1000), GasKpis.Quantile(r.Sketches[0], 0.95, 1000), GasKpis.Quantile(r.Sketches[0], 0.99, 1000),
                (long)r.Amounts[2], GasKpis.Ratio(r.Amounts[2], new BigInteger(blocks) * limit), GasKpis.Ratio(r.Amounts[2], new BigInteger(blocks) * target),
                Math.Round((double)r.Maxes[0] / limit, 6), GasKpis.Quantile(r.Sketches[1], 0.95, limit) is { } p ? Math.Round(p, 6) : null,
                Mean(6), Mean(7), Mean(8), Mean(9), Mean(10), Mean(11),
                r.Counts[1] > 0 ? Math.Round((double)r.Counts[2] / r.Counts[1], 6) : null);
        }).ToList();
        return TablePage<NetworkRow>.Of(rows, request,
            $"Utilisation is L2 gas used over blocks × {limit} (limit) or × {target} (target); mean gas prices are rounded down.",
            "TPS and events/s divide by the sum of block intervals in the bucket (chain time).");
    }

    public async Task<TablePage<InclusionRow>> GetInclusionAsync(KpiRequest request, CancellationToken ct)
    {
        var rows = (await LoadAsync(request, ct)).Select(r => new InclusionRow(r.BucketStart, r.Counts[4],
            r.Counts[4] > 0 ? Math.Round((double)r.Amounts[5] / 1000 / r.Counts[4], 6) : null,
            GasKpis.Quantile(r.Sketches[0], 0.5, 1000), GasKpis.Quantile(r.Sketches[0], 0.95, 1000), GasKpis.Quantile(r.Sketches[0], 0.99, 1000))).ToList();
        return TablePage<InclusionRow>.Of(rows, request, "An interval is a block's time minus the previous block's time, counted in the later block's bucket.");
    }

    public async Task<TablePage<BlockRow>> GetBlocksAsync(KpiRequest request, CancellationToken ct)
    {
        var limit = options.Value.BlockL2GasLimit;
        var target = options.Value.BlockL2GasTarget;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("""
            select b.block_number, b.block_time, extract(epoch from b.block_time - p.block_time)::float8, b.tx_count,
                   (select count(*) from ciro.transactions t where t.block_number = b.block_number and t.block_time = b.block_time and t.execution_status = 'REVERTED'),
                   b.event_count, b.l2_gas, b.l1_gas_price_fri::text, b.l1_data_gas_price_fri::text, b.l2_gas_price_fri::text
            from ciro.blocks b
            left join lateral (select block_time from ciro.blocks p where p.block_number = b.block_number - 1 limit 1) p on true
            where b.block_time >= $1 and b.block_time < $2
            order by b.block_number desc
            """, connection);
        command.Parameters.AddWithValue(request.From);
        command.Parameters.AddWithValue(request.To);
        var rows = new List<BlockRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var l2 = reader.GetInt64(6);
            rows.Add(new BlockRow(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetDouble(2),
                reader.GetInt32(3), reader.GetInt64(4), reader.GetInt32(5), l2, Math.Round((double)l2 / limit, 6), Math.Round((double)l2 / target, 6),
                reader.GetString(7), reader.GetString(8), reader.GetString(9)));
        }
        return TablePage<BlockRow>.Of(rows, request, $"Utilisation against limit {limit} and target {target} L2 gas per block.");
    }

    private async Task<List<RollupRow>> LoadAsync(KpiRequest request, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var set = await RollupStore.LoadAsync(connection, null, RollupTable.Network, request.Bucket,
            Buckets.Floor(request.From, request.Bucket), request.To, t => t, ct);
        return set.Rows.OrderBy(r => r.BucketStart).ToList();
    }
}
