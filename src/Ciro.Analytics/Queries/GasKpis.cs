using System.Numerics;
using Ciro.Analytics.Rollups;
using Ciro.Analytics.Sketches;
using Ciro.Starknet;
using Npgsql;

namespace Ciro.Analytics.Queries;

/// <summary>One (bucket, contract, function, call shape) of gas use. Percentiles describe <see cref="Metric"/>
/// per transaction; ShareOfTotal = this row's sum of that metric / the sum over every transaction in the bucket.</summary>
public sealed record GasRow(
    DateTimeOffset BucketStart, string Contract, string Function, string Selector, string CallShape,
    long TxCount, long Succeeded, long Reverted, long L1Gas, long L1DataGas, long L2Gas, string FeeWei, string FeeFri,
    string Metric, double? P50, double? P95, double? P99, double? ShareOfTotal);

/// <summary>One transaction in the raw drill-down (one row per distinct contract+function it calls).</summary>
public sealed record GasTxRow(
    long BlockNumber, DateTimeOffset BlockTime, int TxIndex, string TxHash, string? Sender, string Contract, string Function,
    string CallShape, string Status, long L1Gas, long L1DataGas, long L2Gas, string Fee, string FeeUnit);

public sealed class GasKpis(NpgsqlDataSource dataSource)
{
    public static readonly string[] Metrics = ["l2_gas", "l1_gas", "l1_data_gas", "fee_fri", "fee_wei"];

    public const string AttributionNote =
        "Gas of a transaction is attributed whole to each distinct contract function it calls; callShape=single rows are exact per function, multicall rows count the whole multicall's gas under every function in it.";

    /// <summary>
    /// Gas rows of the request's bucket. Each stored rollup row is one answer row (the key is the table's), so
    /// nothing merges here: SQL returns the sums and the one sketch the metric needs, joined to the bucket's
    /// network total, and percentiles are read straight from the serialized sketch for the rows on the page
    /// only. A year of daily rows is ~7,300 rows; building a dictionary-backed sketch for each was most of its
    /// time. The answer equals reading every row through <see cref="RollupStore.LoadAsync{TRow, TKey}"/> (tested).
    /// </summary>
    public async Task<TablePage<GasRow>> GetAsync(KpiRequest request, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var start = Buckets.Floor(request.From, request.Bucket);
        var (filter, values) = Filter(request, 4);
        // Compile-time column names picked by a validated metric, never the input itself.
        var (amount, sketch) = request.Metric switch
        {
            "l1_gas" => ("l1_gas", "l1_gas_sketch"),
            "l1_data_gas" => ("l1_data_gas", "l1_data_gas_sketch"),
            "l2_gas" => ("l2_gas", "l2_gas_sketch"),
            "fee_wei" => ("fee_wei", "fee_wei_sketch"),
            _ => ("fee_fri", "fee_fri_sketch"),
        };
        await using var command = new NpgsqlCommand($"""
            select g.bucket_start, g.contract, g.selector, g.multicall, g.function_name, g.tx_count, g.reverted,
                   g.l1_gas::bigint, g.l1_data_gas::bigint, g.l2_gas::bigint, g.fee_wei::text, g.fee_fri::text,
                   g.{amount}, n.{amount}, g.{sketch}
            from ciro.rollup_gas g
            left join ciro.rollup_network n on n.bucket = g.bucket and n.bucket_start = g.bucket_start
            where g.bucket = $1 and g.bucket_start >= $2 and g.bucket_start < $3 {filter}
            """, connection);
        command.Parameters.AddWithValue(request.Bucket);
        command.Parameters.AddWithValue(start);
        command.Parameters.AddWithValue(request.To);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        var all = new List<(GasRow Row, byte[] Sketch)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var selector = Felt.FromBytes(reader.GetFieldValue<byte[]>(2)).ToString();
                var txCount = reader.GetInt64(5);
                var reverted = reader.GetInt64(6);
                var total = reader.IsDBNull(13) ? BigInteger.Zero : reader.GetFieldValue<BigInteger>(13);
                var row = new GasRow(reader.GetFieldValue<DateTimeOffset>(0), Felt.FromBytes(reader.GetFieldValue<byte[]>(1)).ToString(),
                    reader.IsDBNull(4) ? selector : reader.GetString(4), selector, reader.GetBoolean(3) ? "multicall" : "single",
                    txCount, txCount - reverted, reverted, reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9),
                    reader.GetString(10), reader.GetString(11), request.Metric!, null, null, null,
                    total.IsZero ? null : Ratio(reader.GetFieldValue<BigInteger>(12), total));
                all.Add((row, reader.GetFieldValue<byte[]>(14)));
            }
        }
        var page = all
            .OrderBy(r => r.Row.BucketStart).ThenByDescending(r => r.Row.L2Gas).ThenBy(r => r.Row.Contract)
            .ThenBy(r => r.Row.Selector).ThenBy(r => r.Row.CallShape)
            .Skip((request.Page - 1) * request.PageSize).Take(request.PageSize)
            .Select(r => WithPercentiles(r.Row, r.Sketch))
            .ToList();
        return new TablePage<GasRow>(page, request.Page, request.PageSize, all.Count, request.Bucket, request.From, request.To,
            [AttributionNote, "Percentiles are nearest-rank, from DDSketches with 1% relative accuracy merged across buckets."]);
    }

    private static readonly double[] Percentiles = [0.5, 0.95, 0.99];

    private static GasRow WithPercentiles(GasRow row, byte[] sketch)
    {
        Span<double?> q = stackalloc double?[3];
        DDSketch.Quantiles(sketch, Percentiles, q);
        return row with { P50 = q[0], P95 = q[1], P99 = q[2] };
    }

    /// <summary>
    /// Raw transactions (newest first), exact values; the drill-down behind a gas row: one row per (transaction,
    /// contract, selector) the range's calls make. Only the page's calls are joined to their transactions.
    /// <c>ciro.tx_calls</c> has no time index (filtered by time alone it reads the whole table), so without a
    /// contract/function filter the page walks the range's blocks newest first (<c>ciro.blocks</c> by time), reading
    /// each block's calls by primary key until it is full. With a filter, the filter's index (function or contract,
    /// then time) is read newest first and stops at the page (a repeated call of a multicall is skipped by a key
    /// probe): sorting all the range's calls of a common function took 4–6 s for <c>transfer</c> (~650,000 calls in
    /// 31 days), and the block walk took 18 s for a rare one. The total is <see cref="CountAsync"/>.
    /// </summary>
    public async Task<TablePage<GasTxRow>> GetTransactionsAsync(KpiRequest request, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var total = await CountAsync(connection, request, ct);
        var (filter, values) = Filter(request, 3);
        var calls = filter.Length == 0
            ? """
              (select block_number, block_time from ciro.blocks where block_time >= $1 and block_time < $2) b
              cross join lateral (
                select distinct tx_index, contract, selector, call_count, function_name
                from ciro.tx_calls where block_number = b.block_number and block_time = b.block_time) c
              """
            : $"""
              (select c.block_number, c.block_time, c.tx_index, c.contract, c.selector, c.call_count, c.function_name
               from ciro.tx_calls c
               where c.block_time >= $1 and c.block_time < $2 {filter}
                 and (c.call_count = 1 or not exists (
                       select 1 from ciro.tx_calls d
                       where d.block_number = c.block_number and d.tx_index = c.tx_index and d.block_time = c.block_time
                         and d.call_index < c.call_index and d.contract = c.contract and d.selector = c.selector))
               order by c.block_time desc, c.block_number desc, c.tx_index, c.contract, c.selector
               limit {request.PageSize} offset {(long)(request.Page - 1) * request.PageSize}) c
              cross join lateral (select c.block_number, c.block_time) b
              """;
        await using var command = new NpgsqlCommand($"""
            select t.block_number, t.block_time, t.tx_index, ciro.felt_hex(t.tx_hash), ciro.felt_hex(t.sender),
                   ciro.felt_hex(c.contract), coalesce(c.function_name, ciro.felt_hex(c.selector)), c.call_count > 1,
                   t.execution_status, t.l1_gas, t.l1_data_gas, t.l2_gas, t.fee_amount::text, t.fee_unit
            from {calls}
            join ciro.transactions t on t.block_number = b.block_number and t.tx_index = c.tx_index and t.block_time = b.block_time
            order by b.block_time desc, b.block_number desc, c.tx_index, c.contract, c.selector
            {(filter.Length == 0 ? $"limit {request.PageSize} offset {(long)(request.Page - 1) * request.PageSize}" : "")}
            """, connection);
        command.Parameters.AddWithValue(request.From);
        command.Parameters.AddWithValue(request.To);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        var rows = new List<GasTxRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new GasTxRow(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt32(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetBoolean(7) ? "multicall" : "single",
                reader.GetString(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetString(12), reader.GetString(13)));
        }
        return new TablePage<GasTxRow>(rows, request.Page, request.PageSize, total, "raw", request.From, request.To, [AttributionNote]);
    }

    /// <summary>
    /// The raw drill-down's total, exact: the number of (transaction, contract, selector) of the range's calls
    /// (matching the filter). Counting ~1.9M calls of 31 days took 5 s, so the range's whole hours are read from the
    /// hourly gas rollups (a row's tx_count is that count for its key and hour) and only the rest is counted raw:
    /// the partial hours at either end, and every whole hour whose rollup rows were not computed from exactly the
    /// blocks stored now — a block not yet in the ledger (<c>ciro.rollup_blocks</c>), a ledger block that is gone or
    /// whose hash changed (reorg, reindex). One statement, so the ledger and the rollup rows are one snapshot (the
    /// reconciler moves them in one transaction). The ledger check compares the range's blocks with the ledger by
    /// number and hash (~85,000 blocks in 31 days); equal hashes mean the same block, so the same hour.
    /// </summary>
    private static async Task<long> CountAsync(NpgsqlConnection connection, KpiRequest request, CancellationToken ct)
    {
        // Whole hours [wholeFrom, wholeTo); none when the range lies inside one hour (then all of it is counted raw).
        var wholeFrom = Buckets.Ceiling(request.From, Buckets.Hour);
        var wholeTo = Buckets.Floor(request.To, Buckets.Hour);
        if (wholeFrom >= wholeTo)
        {
            wholeFrom = wholeTo = request.To;
        }
        var (filter, values) = Filter(request, 5);
        await using var count = new NpgsqlCommand($"""
            with dirty as (
              select distinct coalesce(l.hour, date_trunc('hour', b.block_time, 'UTC')) as hour
              from (select block_number, block_hash, block_time from ciro.blocks where block_time >= $3 and block_time < $4) b
              full join (select block_number, block_hash, hour from ciro.rollup_blocks where hour >= $3 and hour < $4) l
                on l.block_number = b.block_number and l.block_hash = b.block_hash
              where b.block_number is null or l.block_number is null),
            raw as (
              select block_number, block_time from ciro.blocks where block_time >= $1 and block_time < $3
              union all
              select block_number, block_time from ciro.blocks where block_time >= $4 and block_time < $2
              union all
              select b.block_number, b.block_time from dirty d
              join ciro.blocks b on b.block_time >= d.hour and b.block_time < d.hour + interval '1 hour')
            select (select coalesce(sum(tx_count), 0)::bigint from ciro.rollup_gas
                    where bucket = '{Buckets.Hour}' and bucket_start >= $3 and bucket_start < $4
                      and bucket_start not in (select hour from dirty) {filter})
                 + (select count(*) from raw b cross join lateral (
                      select distinct tx_index, contract, selector from ciro.tx_calls
                      where block_number = b.block_number and block_time = b.block_time {filter}) c)
            """, connection);
        count.Parameters.AddWithValue(request.From);
        count.Parameters.AddWithValue(request.To);
        count.Parameters.AddWithValue(wholeFrom);
        count.Parameters.AddWithValue(wholeTo);
        foreach (var value in values)
        {
            count.Parameters.AddWithValue(value);
        }
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Contract/function filters as SQL over columns contract, selector, function_name with
    /// parameters numbered from <paramref name="first"/>. Only constant SQL; values are always parameters.</summary>
    public static (string Sql, object[] Values) Filter(KpiRequest request, int first)
    {
        var sql = "";
        var values = new List<object>();
        if (request.Contract is not null)
        {
            values.Add(request.Contract.Value.ToBytes());
            sql += $" and contract = ${first + values.Count - 1}";
        }
        if (request.FunctionName is not null)
        {
            values.Add(request.FunctionName);
            sql += $" and function_name = ${first + values.Count - 1}";
        }
        if (request.Selector is not null)
        {
            values.Add(request.Selector.Value.ToBytes());
            sql += $" and selector = ${first + values.Count - 1}";
        }
        return (sql, values.ToArray());
    }

    public static double Ratio(BigInteger part, BigInteger whole) =>
        whole.IsZero ? 0 : Math.Round((double)part / (double)whole, 6);

    public static double? Quantile(DDSketch sketch, double q, double scale = 1) => sketch.Quantile(q) is { } v ? v / scale : null;
}
