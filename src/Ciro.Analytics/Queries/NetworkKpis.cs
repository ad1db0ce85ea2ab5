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
    string MeanL1GasPriceFri, string? MeanL1DataGasPriceFri, string? MeanL2GasPriceFri,
    string MeanL1GasPriceWei, string? MeanL1DataGasPriceWei, string? MeanL2GasPriceWei,
    double? RevertedShare);

/// <summary>One block, for bucket=raw.</summary>
public sealed record BlockRow(
    long BlockNumber, DateTimeOffset BlockTime, double? IntervalSeconds, int Transactions, long Reverted, int Events, long L2Gas,
    double UtilisationOfLimit, double UtilisationOfTarget, string L1GasPriceFri, string? L1DataGasPriceFri, string? L2GasPriceFri);

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
            var seconds = (double)r.IntervalMsSum / 1000;
            var blocks = r.Blocks;
            string Mean(BigInteger sum) => blocks == 0 ? "0" : (sum / blocks).ToString();
            // Null when no block of the bucket carried the price (headers before RPC v0.7 / v0.8): unknown, not 0.
            string? MeanOver(BigInteger sum, long priced) => priced == 0 ? null : (sum / priced).ToString();
            return new NetworkRow(r.BucketStart, blocks, r.TxCount, r.Reverted, r.Events,
                seconds > 0 ? Math.Round(r.TxCount / seconds, 6) : null, seconds > 0 ? Math.Round(r.Events / seconds, 6) : null,
                r.Intervals > 0 ? Math.Round(seconds / r.Intervals, 6) : null,
                GasKpis.Quantile(r.IntervalSketch, 0.5, 1000), GasKpis.Quantile(r.IntervalSketch, 0.95, 1000), GasKpis.Quantile(r.IntervalSketch, 0.99, 1000),
                (long)r.L2Gas, GasKpis.Ratio(r.L2Gas, new BigInteger(blocks) * limit), GasKpis.Ratio(r.L2Gas, new BigInteger(blocks) * target),
                Math.Round((double)r.MaxBlockL2Gas / limit, 6), GasKpis.Quantile(r.BlockL2GasSketch, 0.95, limit) is { } p ? Math.Round(p, 6) : null,
                Mean(r.L1GasPriceFriSum), MeanOver(r.L1DataGasPriceFriSum, r.L1DataGasPricedBlocks), MeanOver(r.L2GasPriceFriSum, r.L2GasPricedBlocks),
                Mean(r.L1GasPriceWeiSum), MeanOver(r.L1DataGasPriceWeiSum, r.L1DataGasPricedBlocks), MeanOver(r.L2GasPriceWeiSum, r.L2GasPricedBlocks),
                r.TxCount > 0 ? Math.Round((double)r.Reverted / r.TxCount, 6) : null);
        }).ToList();
        return TablePage<NetworkRow>.Of(rows, request,
            $"Utilisation is L2 gas used over blocks × {limit} (limit) or × {target} (target); mean gas prices are rounded down.",
            "TPS and events/s divide by the sum of block intervals in the bucket (chain time).");
    }

    public async Task<TablePage<InclusionRow>> GetInclusionAsync(KpiRequest request, CancellationToken ct)
    {
        var rows = (await LoadAsync(request, ct)).Select(r => new InclusionRow(r.BucketStart, r.Intervals,
            r.Intervals > 0 ? Math.Round((double)r.IntervalMsSum / 1000 / r.Intervals, 6) : null,
            GasKpis.Quantile(r.IntervalSketch, 0.5, 1000), GasKpis.Quantile(r.IntervalSketch, 0.95, 1000), GasKpis.Quantile(r.IntervalSketch, 0.99, 1000))).ToList();
        return TablePage<InclusionRow>.Of(rows, request, "An interval is a block's time minus the previous block's time, counted in the later block's bucket.");
    }

    /// <summary>Raw blocks, newest first. Paged in SQL: only the page's blocks get their reverted count and previous
    /// block, so pageSize=1 over 31 days reads one block, not ~85,000 (the total is an index-only count).</summary>
    public async Task<TablePage<BlockRow>> GetBlocksAsync(KpiRequest request, CancellationToken ct)
    {
        var limit = options.Value.BlockL2GasLimit;
        var target = options.Value.BlockL2GasTarget;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        long total;
        await using (var count = new NpgsqlCommand("select count(*) from ciro.blocks where block_time >= $1 and block_time < $2", connection))
        {
            count.Parameters.AddWithValue(request.From);
            count.Parameters.AddWithValue(request.To);
            total = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        await using var command = new NpgsqlCommand($"""
            select b.block_number, b.block_time, extract(epoch from b.block_time - p.block_time)::float8, b.tx_count,
                   {ChainSql.RevertedInBlock("b")},
                   b.event_count, b.l2_gas, b.l1_gas_price_fri::text, b.l1_data_gas_price_fri::text, b.l2_gas_price_fri::text
            from (select * from ciro.blocks where block_time >= $1 and block_time < $2
                  order by block_number desc limit $3 offset $4) b
            {ChainSql.PreviousBlock("b")}
            order by b.block_number desc
            """, connection);
        command.Parameters.AddWithValue(request.From);
        command.Parameters.AddWithValue(request.To);
        command.Parameters.AddWithValue((long)request.PageSize);
        command.Parameters.AddWithValue((long)(request.Page - 1) * request.PageSize);
        var rows = new List<BlockRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var l2 = reader.GetInt64(6);
            rows.Add(new BlockRow(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetDouble(2),
                reader.GetInt32(3), reader.GetInt64(4), reader.GetInt32(5), l2, Math.Round((double)l2 / limit, 6), Math.Round((double)l2 / target, 6),
                reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }
        return new TablePage<BlockRow>(rows, request.Page, request.PageSize, total, request.Bucket, request.From, request.To,
            [$"Utilisation against limit {limit} and target {target} L2 gas per block."]);
    }

    private async Task<List<NetworkRollup>> LoadAsync(KpiRequest request, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var set = await RollupStore.LoadAsync<NetworkRollup, NetworkRollup.Whole>(connection, null, request.Bucket,
            Buckets.Floor(request.From, request.Bucket), request.To, t => t, ct);
        return set.Rows.OrderBy(r => r.BucketStart).ToList();
    }
}
