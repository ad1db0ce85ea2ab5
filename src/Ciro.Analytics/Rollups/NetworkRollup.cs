using System.Numerics;
using Ciro.Analytics.Queries;
using Ciro.Analytics.Sketches;
using Npgsql;

namespace Ciro.Analytics.Rollups;

/// <summary>
/// Chain-wide figures of a bucket (<c>ciro.rollup_network</c>): blocks, transactions, events, gas, fees,
/// block intervals (block n's time minus block n − 1's, counted in block n's bucket) and gas price sums
/// (means = sum / blocks that had the price: older headers lack the L1 data gas and L2 gas prices).
/// </summary>
public sealed record NetworkRollup(DateTimeOffset BucketStart) : IRollup<NetworkRollup, NetworkRollup.Whole>
{
    /// <summary>The network table has one row per bucket: its key carries nothing.</summary>
    public readonly record struct Whole;

    public Whole Key => default;

    public long Blocks { get; set; }
    public long TxCount { get; set; }
    public long Reverted { get; set; }
    public long Events { get; set; }
    public BigInteger L1Gas { get; set; }
    public BigInteger L1DataGas { get; set; }
    public BigInteger L2Gas { get; set; }
    public BigInteger FeeWei { get; set; }
    public BigInteger FeeFri { get; set; }
    public long MaxBlockL2Gas { get; set; }
    /// <summary>Blocks whose previous block is stored, i.e. blocks with an interval.</summary>
    public long Intervals { get; set; }
    public BigInteger IntervalMsSum { get; set; }
    public required DDSketch IntervalSketch { get; init; }
    public required DDSketch BlockL2GasSketch { get; init; }
    public BigInteger L1GasPriceFriSum { get; set; }
    public BigInteger L1DataGasPriceFriSum { get; set; }
    public BigInteger L2GasPriceFriSum { get; set; }
    public BigInteger L1GasPriceWeiSum { get; set; }
    public BigInteger L1DataGasPriceWeiSum { get; set; }
    public BigInteger L2GasPriceWeiSum { get; set; }
    public long L1DataGasPricedBlocks { get; set; }
    public long L2GasPricedBlocks { get; set; }

    public static string Table => "ciro.rollup_network";

    public static string Columns =>
        "blocks, tx_count, reverted, events, l1_gas, l1_data_gas, l2_gas, fee_wei, fee_fri, max_block_l2_gas, intervals, " +
        "interval_ms_sum, interval_sketch, block_l2_gas_sketch, l1_gas_price_fri_sum, l1_data_gas_price_fri_sum, l2_gas_price_fri_sum, " +
        "l1_gas_price_wei_sum, l1_data_gas_price_wei_sum, l2_gas_price_wei_sum, l1_data_gas_priced_blocks, l2_gas_priced_blocks";

    public static NetworkRollup Read(NpgsqlDataReader reader, DateTimeOffset bucketStart)
    {
        var c = new ColumnCursor(reader);
        return new NetworkRollup(bucketStart)
        {
            Blocks = c.Int64(), TxCount = c.Int64(), Reverted = c.Int64(), Events = c.Int64(),
            L1Gas = c.Amount(), L1DataGas = c.Amount(), L2Gas = c.Amount(), FeeWei = c.Amount(), FeeFri = c.Amount(),
            MaxBlockL2Gas = c.Int64(), Intervals = c.Int64(), IntervalMsSum = c.Amount(),
            IntervalSketch = c.Sketch(), BlockL2GasSketch = c.Sketch(),
            L1GasPriceFriSum = c.Amount(), L1DataGasPriceFriSum = c.Amount(), L2GasPriceFriSum = c.Amount(),
            L1GasPriceWeiSum = c.Amount(), L1DataGasPriceWeiSum = c.Amount(), L2GasPriceWeiSum = c.Amount(),
            L1DataGasPricedBlocks = c.Int64(), L2GasPricedBlocks = c.Int64(),
        };
    }

    public async Task WriteAsync(NpgsqlBinaryImporter importer, CancellationToken ct)
    {
        await importer.WriteInt64Async(Blocks, ct);
        await importer.WriteInt64Async(TxCount, ct);
        await importer.WriteInt64Async(Reverted, ct);
        await importer.WriteInt64Async(Events, ct);
        await importer.WriteAmountAsync(L1Gas, ct);
        await importer.WriteAmountAsync(L1DataGas, ct);
        await importer.WriteAmountAsync(L2Gas, ct);
        await importer.WriteAmountAsync(FeeWei, ct);
        await importer.WriteAmountAsync(FeeFri, ct);
        await importer.WriteInt64Async(MaxBlockL2Gas, ct);
        await importer.WriteInt64Async(Intervals, ct);
        await importer.WriteAmountAsync(IntervalMsSum, ct);
        await importer.WriteSketchAsync(IntervalSketch, ct);
        await importer.WriteSketchAsync(BlockL2GasSketch, ct);
        await importer.WriteAmountAsync(L1GasPriceFriSum, ct);
        await importer.WriteAmountAsync(L1DataGasPriceFriSum, ct);
        await importer.WriteAmountAsync(L2GasPriceFriSum, ct);
        await importer.WriteAmountAsync(L1GasPriceWeiSum, ct);
        await importer.WriteAmountAsync(L1DataGasPriceWeiSum, ct);
        await importer.WriteAmountAsync(L2GasPriceWeiSum, ct);
        await importer.WriteInt64Async(L1DataGasPricedBlocks, ct);
        await importer.WriteInt64Async(L2GasPricedBlocks, ct);
    }

    public static NetworkRollup Create(DateTimeOffset bucketStart, Whole key) =>
        new(bucketStart) { IntervalSketch = new(), BlockL2GasSketch = new() };

    public void MergeFrom(NetworkRollup other)
    {
        Blocks += other.Blocks;
        TxCount += other.TxCount;
        Reverted += other.Reverted;
        Events += other.Events;
        L1Gas += other.L1Gas;
        L1DataGas += other.L1DataGas;
        L2Gas += other.L2Gas;
        FeeWei += other.FeeWei;
        FeeFri += other.FeeFri;
        MaxBlockL2Gas = Math.Max(MaxBlockL2Gas, other.MaxBlockL2Gas);
        Intervals += other.Intervals;
        IntervalMsSum += other.IntervalMsSum;
        IntervalSketch.Merge(other.IntervalSketch);
        BlockL2GasSketch.Merge(other.BlockL2GasSketch);
        L1GasPriceFriSum += other.L1GasPriceFriSum;
        L1DataGasPriceFriSum += other.L1DataGasPriceFriSum;
        L2GasPriceFriSum += other.L2GasPriceFriSum;
        L1GasPriceWeiSum += other.L1GasPriceWeiSum;
        L1DataGasPriceWeiSum += other.L1DataGasPriceWeiSum;
        L2GasPriceWeiSum += other.L2GasPriceWeiSum;
        L1DataGasPricedBlocks += other.L1DataGasPricedBlocks;
        L2GasPricedBlocks += other.L2GasPricedBlocks;
    }

    /// <summary>Block figures from one row per block (with the previous block's time for the interval), then
    /// reverted transactions and fees from the transactions of the same hours.</summary>
    public static async Task ComputeAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, RawScope scope,
        RollupSet<NetworkRollup, Whole> into, CancellationToken ct)
    {
        await RawRows.ReadAsync(connection, tx, $"""
            select date_trunc('hour', b.block_time, 'UTC'), b.tx_count, b.event_count, b.l1_gas, b.l1_data_gas, b.l2_gas,
                   (extract(epoch from b.block_time - p.block_time) * 1000)::bigint,
                   b.l1_gas_price_fri, b.l1_data_gas_price_fri, b.l2_gas_price_fri,
                   b.l1_gas_price_wei, b.l1_data_gas_price_wei, b.l2_gas_price_wei
            from ciro.blocks b
            {ChainSql.PreviousBlock("b")}
            where b.block_time >= $1 and b.block_time < $2 and {RawScope.InBlocks("b")}
            """, scope, r =>
        {
            var row = into.Get(r.GetFieldValue<DateTimeOffset>(0), default);
            row.Blocks++;
            row.TxCount += r.GetInt32(1);
            row.Events += r.GetInt32(2);
            var l2 = r.GetInt64(5);
            row.L1Gas += r.GetInt64(3);
            row.L1DataGas += r.GetInt64(4);
            row.L2Gas += l2;
            row.MaxBlockL2Gas = Math.Max(row.MaxBlockL2Gas, l2);
            row.BlockL2GasSketch.Add(l2);
            if (!r.IsDBNull(6))
            {
                var interval = Math.Max(0, r.GetInt64(6));
                row.Intervals++;
                row.IntervalMsSum += interval;
                row.IntervalSketch.Add(interval);
            }
            row.L1GasPriceFriSum += r.GetFieldValue<BigInteger>(7);
            row.L1GasPriceWeiSum += r.GetFieldValue<BigInteger>(10);
            // NULL: the node's header had no such price (before RPC v0.7 / v0.8); the block counts in no mean of it.
            if (!r.IsDBNull(8))
            {
                row.L1DataGasPricedBlocks++;
                row.L1DataGasPriceFriSum += r.GetFieldValue<BigInteger>(8);
                row.L1DataGasPriceWeiSum += r.GetFieldValue<BigInteger>(11);
            }
            if (!r.IsDBNull(9))
            {
                row.L2GasPricedBlocks++;
                row.L2GasPriceFriSum += r.GetFieldValue<BigInteger>(9);
                row.L2GasPriceWeiSum += r.GetFieldValue<BigInteger>(12);
            }
        }, ct);

        await RawRows.ReadAsync(connection, tx, $"""
            select date_trunc('hour', t.block_time, 'UTC'), count(*) filter (where {ChainSql.Reverted("t")}),
                   coalesce(sum(t.fee_amount) filter (where t.fee_unit = 'WEI'), 0), coalesce(sum(t.fee_amount) filter (where t.fee_unit = 'FRI'), 0)
            from ciro.transactions t where t.block_time >= $1 and t.block_time < $2 and {RawScope.InBlocks("t")} group by 1
            """, scope, r =>
        {
            var row = into.Get(r.GetFieldValue<DateTimeOffset>(0), default);
            row.Reverted += r.GetInt64(1);
            row.FeeWei += r.GetFieldValue<BigInteger>(2);
            row.FeeFri += r.GetFieldValue<BigInteger>(3);
        }, ct);
    }
}
