using System.Numerics;
using Ciro.Analytics.Sketches;
using NpgsqlTypes;

namespace Ciro.Analytics.Rollups;

public enum KeyType { Bytes, Boolean, Text }

/// <summary>
/// The shape of one rollup table, so computing, merging (hour → day → week) and writing are written once:
/// keys identify a row within a bucket; counts and amounts add; maxes take the maximum; sketches merge;
/// texts are descriptive (any non-null value wins). Column names are compile-time constants, never input.
/// </summary>
public sealed record RollupTable(
    string Name,
    (string Column, KeyType Type)[] Keys,
    string[] Texts,
    string[] Counts,
    string[] Amounts,
    string[] Maxes,
    string[] Sketches)
{
    public static readonly RollupTable Gas = new("ciro.rollup_gas",
        [("contract", KeyType.Bytes), ("selector", KeyType.Bytes), ("multicall", KeyType.Boolean)],
        ["function_name"], ["tx_count", "reverted"], ["l1_gas", "l1_data_gas", "l2_gas", "fee_wei", "fee_fri"], [],
        ["l1_gas_sketch", "l1_data_gas_sketch", "l2_gas_sketch", "fee_wei_sketch", "fee_fri_sketch"]);

    public static readonly RollupTable Network = new("ciro.rollup_network", [], [],
        ["blocks", "tx_count", "reverted", "events", "intervals"],
        ["l1_gas", "l1_data_gas", "l2_gas", "fee_wei", "fee_fri", "interval_ms_sum",
         "l1_gas_price_fri_sum", "l1_data_gas_price_fri_sum", "l2_gas_price_fri_sum",
         "l1_gas_price_wei_sum", "l1_data_gas_price_wei_sum", "l2_gas_price_wei_sum"],
        ["max_block_l2_gas"], ["interval_sketch", "block_l2_gas_sketch"]);

    public static readonly RollupTable Jobs = new("ciro.rollup_jobs", [("stage", KeyType.Text)], [], ["count"], ["ms_sum"], [], ["sketch"]);

    public static readonly RollupTable Workers = new("ciro.rollup_workers", [("worker", KeyType.Bytes)], [],
        ["assigned", "completed", "failed"], ["paid"], [], ["completion_sketch"]);

    public static readonly RollupTable[] All = [Gas, Network, Jobs, Workers];

    public IEnumerable<string> Columns =>
        Keys.Select(k => k.Column).Concat(Texts).Concat(Counts).Concat(Amounts).Concat(Maxes).Concat(Sketches);

    public RollupRow NewRow(DateTimeOffset bucketStart, object[] key) =>
        new(bucketStart, key, new string?[Texts.Length], new long[Counts.Length], new BigInteger[Amounts.Length],
            new long[Maxes.Length], Sketches.Select(_ => new DDSketch()).ToArray());

    public static NpgsqlDbType DbType(KeyType type) => type switch
    {
        KeyType.Bytes => NpgsqlDbType.Bytea,
        KeyType.Boolean => NpgsqlDbType.Boolean,
        _ => NpgsqlDbType.Text,
    };
}

public sealed record RollupRow(DateTimeOffset BucketStart, object[] Key, string?[] Texts, long[] Counts, BigInteger[] Amounts, long[] Maxes, DDSketch[] Sketches)
{
    public void MergeFrom(RollupRow other)
    {
        for (var i = 0; i < Texts.Length; i++)
        {
            Texts[i] ??= other.Texts[i];
        }
        for (var i = 0; i < Counts.Length; i++)
        {
            Counts[i] += other.Counts[i];
        }
        for (var i = 0; i < Amounts.Length; i++)
        {
            Amounts[i] += other.Amounts[i];
        }
        for (var i = 0; i < Maxes.Length; i++)
        {
            Maxes[i] = Math.Max(Maxes[i], other.Maxes[i]);
        }
        for (var i = 0; i < Sketches.Length; i++)
        {
            Sketches[i].Merge(other.Sketches[i]);
        }
    }

    /// <summary>A dictionary key for (bucket, key columns); byte arrays compare by content.</summary>
    public static string Identity(DateTimeOffset bucketStart, object[] key) =>
        bucketStart.UtcTicks + "|" + string.Join('|', key.Select(k => k switch
        {
            byte[] bytes => Convert.ToHexString(bytes),
            bool b => b ? "t" : "f",
            _ => k.ToString(),
        }));
}

/// <summary>Rows of one table being accumulated, by (bucket, key).</summary>
public sealed class RollupSet(RollupTable table)
{
    private readonly Dictionary<string, RollupRow> _rows = new();

    public RollupTable Table { get; } = table;

    public IEnumerable<RollupRow> Rows => _rows.Values;

    public RollupRow Get(DateTimeOffset bucketStart, params object[] key)
    {
        var id = RollupRow.Identity(bucketStart, key);
        if (!_rows.TryGetValue(id, out var row))
        {
            row = Table.NewRow(bucketStart, key);
            _rows[id] = row;
        }
        return row;
    }

    public void Merge(RollupRow row, DateTimeOffset intoBucket) => Get(intoBucket, row.Key).MergeFrom(row);
}
