using System.Numerics;
using Ciro.Analytics.Queries;
using Ciro.Analytics.Sketches;
using Ciro.Starknet;
using Npgsql;

namespace Ciro.Analytics.Rollups;

/// <summary>A contract function in one call shape: <see cref="Multicall"/> rows count a whole multicall's gas
/// under every function in it, so only single rows are exact per function.</summary>
public readonly record struct GasKey(Felt Contract, Felt Selector, bool Multicall);

/// <summary>
/// Gas and fees of the transactions calling one (contract, selector, call shape) in a bucket
/// (<c>ciro.rollup_gas</c>). A transaction is attributed whole to each distinct (contract, selector) it calls.
/// Sums are exact; the sketches describe the per-transaction values.
/// </summary>
public sealed record GasRollup(DateTimeOffset BucketStart, GasKey Key) : IRollup<GasRollup, GasKey>
{
    /// <summary>The ABI name of the selector when the indexer knew it (descriptive: any non-null wins).</summary>
    public string? FunctionName { get; set; }
    public long TxCount { get; set; }
    public long Reverted { get; set; }
    public BigInteger L1Gas { get; set; }
    public BigInteger L1DataGas { get; set; }
    public BigInteger L2Gas { get; set; }
    public BigInteger FeeWei { get; set; }
    public BigInteger FeeFri { get; set; }
    public required DDSketch L1GasSketch { get; init; }
    public required DDSketch L1DataGasSketch { get; init; }
    public required DDSketch L2GasSketch { get; init; }
    public required DDSketch FeeWeiSketch { get; init; }
    public required DDSketch FeeFriSketch { get; init; }

    public static string Table => "ciro.rollup_gas";

    public static string Columns =>
        "contract, selector, multicall, function_name, tx_count, reverted, l1_gas, l1_data_gas, l2_gas, fee_wei, fee_fri, " +
        "l1_gas_sketch, l1_data_gas_sketch, l2_gas_sketch, fee_wei_sketch, fee_fri_sketch";

    public static GasRollup Read(NpgsqlDataReader reader, DateTimeOffset bucketStart)
    {
        var c = new ColumnCursor(reader);
        return new GasRollup(bucketStart, new GasKey(c.Felt(), c.Felt(), c.Boolean()))
        {
            FunctionName = c.TextOrNull(), TxCount = c.Int64(), Reverted = c.Int64(),
            L1Gas = c.Amount(), L1DataGas = c.Amount(), L2Gas = c.Amount(), FeeWei = c.Amount(), FeeFri = c.Amount(),
            L1GasSketch = c.Sketch(), L1DataGasSketch = c.Sketch(), L2GasSketch = c.Sketch(), FeeWeiSketch = c.Sketch(), FeeFriSketch = c.Sketch(),
        };
    }

    public async Task WriteAsync(NpgsqlBinaryImporter importer, CancellationToken ct)
    {
        await importer.WriteFeltAsync(Key.Contract, ct);
        await importer.WriteFeltAsync(Key.Selector, ct);
        await importer.WriteBooleanAsync(Key.Multicall, ct);
        await importer.WriteTextAsync(FunctionName, ct);
        await importer.WriteInt64Async(TxCount, ct);
        await importer.WriteInt64Async(Reverted, ct);
        await importer.WriteAmountAsync(L1Gas, ct);
        await importer.WriteAmountAsync(L1DataGas, ct);
        await importer.WriteAmountAsync(L2Gas, ct);
        await importer.WriteAmountAsync(FeeWei, ct);
        await importer.WriteAmountAsync(FeeFri, ct);
        await importer.WriteSketchAsync(L1GasSketch, ct);
        await importer.WriteSketchAsync(L1DataGasSketch, ct);
        await importer.WriteSketchAsync(L2GasSketch, ct);
        await importer.WriteSketchAsync(FeeWeiSketch, ct);
        await importer.WriteSketchAsync(FeeFriSketch, ct);
    }

    public static GasRollup Create(DateTimeOffset bucketStart, GasKey key) => new(bucketStart, key)
    {
        L1GasSketch = new(), L1DataGasSketch = new(), L2GasSketch = new(), FeeWeiSketch = new(), FeeFriSketch = new(),
    };

    public void MergeFrom(GasRollup other)
    {
        FunctionName ??= other.FunctionName;
        TxCount += other.TxCount;
        Reverted += other.Reverted;
        L1Gas += other.L1Gas;
        L1DataGas += other.L1DataGas;
        L2Gas += other.L2Gas;
        FeeWei += other.FeeWei;
        FeeFri += other.FeeFri;
        L1GasSketch.Merge(other.L1GasSketch);
        L1DataGasSketch.Merge(other.L1DataGasSketch);
        L2GasSketch.Merge(other.L2GasSketch);
        FeeWeiSketch.Merge(other.FeeWeiSketch);
        FeeFriSketch.Merge(other.FeeFriSketch);
    }

    /// <summary>One row per (transaction, distinct contract + selector it calls).</summary>
    public static Task ComputeAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, RawScope scope,
        RollupSet<GasRollup, GasKey> into, CancellationToken ct) =>
        RawRows.ReadAsync(connection, tx, $"""
            select date_trunc('hour', t.block_time, 'UTC'), c.contract, c.selector, c.call_count > 1, c.function_name,
                   {ChainSql.Reverted("t")}, t.l1_gas, t.l1_data_gas, t.l2_gas, t.fee_amount, t.fee_unit
            from ciro.transactions t
            join (select distinct block_number, block_time, tx_index, contract, selector, call_count, function_name
                  from ciro.tx_calls x where x.block_time >= $1 and x.block_time < $2 and {RawScope.InBlocks("x")}) c
              on c.block_number = t.block_number and c.tx_index = t.tx_index and c.block_time = t.block_time
            where t.block_time >= $1 and t.block_time < $2 and {RawScope.InBlocks("t")}
            """, scope, r =>
        {
            var row = into.Get(r.GetFieldValue<DateTimeOffset>(0),
                new GasKey(Felt.FromBytes(r.GetFieldValue<byte[]>(1)), Felt.FromBytes(r.GetFieldValue<byte[]>(2)), r.GetBoolean(3)));
            row.FunctionName ??= r.IsDBNull(4) ? null : r.GetString(4);
            row.TxCount++;
            row.Reverted += r.GetBoolean(5) ? 1 : 0;
            long l1 = r.GetInt64(6), l1Data = r.GetInt64(7), l2 = r.GetInt64(8);
            var fee = r.GetFieldValue<BigInteger>(9);
            row.L1Gas += l1;
            row.L1DataGas += l1Data;
            row.L2Gas += l2;
            row.L1GasSketch.Add(l1);
            row.L1DataGasSketch.Add(l1Data);
            row.L2GasSketch.Add(l2);
            if (r.GetString(10) == "WEI")
            {
                row.FeeWei += fee;
                row.FeeWeiSketch.Add((double)fee);
            }
            else
            {
                row.FeeFri += fee;
                row.FeeFriSketch.Add((double)fee);
            }
        }, ct);
}
