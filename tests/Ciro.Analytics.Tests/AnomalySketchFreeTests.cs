using System.Globalization;
using System.Net;
using System.Text.Json;
using Ciro.Analytics.Sketches;
using Ciro.Storage;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>
/// Issue 15: an anomaly request used to read whole hourly rollup rows and build every row's DDSketches (58 days of
/// gas rows took 2.5–4.3 s on the 50M-event year). The series only need counts and sums. This holds that without
/// timing anything: in this test's own database the analytics role may read every column of ciro.rollup_network and
/// ciro.rollup_gas except the sketch columns (PostgreSQL column privileges), so a request whose SQL names a sketch
/// column — and so any request that could deserialise one — fails with permission denied (SQLSTATE 42501) instead
/// of answering. The rollups are 120 days of hourly rows (the 92-day range plus the 28 days the detector replays)
/// with real, large sketches in every sketch column, and the answers' values are checked hour by hour.
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class AnomalySketchFreeTests(AnalyticsFixture fixture)
{
    // A Monday long before any other test's data, so no cached answer of another test can be for this range.
    private static readonly DateTimeOffset Start = new(2021, 1, 4, 0, 0, 0, TimeSpan.Zero);
    private const int Hours = 120 * 24;
    private static readonly byte[] Contract = Convert.FromHexString("00000000000000000000000000000000000000000000000000000000000000c1");
    private static readonly byte[] Selector = Convert.FromHexString("000000000000000000000000000000000000000000000000000000000000abcd");

    /// <summary>The sketch columns of the two tables the anomaly series come from (migration 100).</summary>
    private static readonly Dictionary<string, string[]> SketchColumns = new()
    {
        ["rollup_network"] = ["block_l2_gas_sketch", "interval_sketch"],
        ["rollup_gas"] = ["fee_fri_sketch", "fee_wei_sketch", "l1_data_gas_sketch", "l1_gas_sketch", "l2_gas_sketch"],
    };

    /// <summary>Hour i's transactions: distinct enough that a shifted or misattributed hour shows.</summary>
    private static long TxCount(int i) => 100 + (i * 7919L % 997);

    [Fact]
    public async Task A_92_day_anomaly_request_answers_from_counts_and_sums_without_reading_a_sketch_column()
    {
        await using var db = await fixture.NewDatabaseAsync();
        // A wide sketch: 5,000 values from 10^-3 to 10^9 fill about 1,400 bins at 1 % accuracy; each row holds it in
        // every sketch column (20,160 sketches in the two tables).
        var sketch = DDSketch.Of(Enumerable.Range(0, 5000).Select(k => Math.Pow(10, -3 + 12.0 * k / 4999))).Serialize();
        Assert.True(sketch.Length > 2500, $"the sketch is only {sketch.Length} bytes");
        await using (var network = db.CreateCommand("""
            insert into ciro.rollup_network (bucket, bucket_start, blocks, tx_count, reverted, events, l1_gas, l1_data_gas, l2_gas,
              fee_wei, fee_fri, max_block_l2_gas, intervals, interval_ms_sum, interval_sketch, block_l2_gas_sketch,
              l1_gas_price_fri_sum, l1_data_gas_price_fri_sum, l2_gas_price_fri_sum, l1_gas_price_wei_sum, l1_data_gas_price_wei_sum,
              l2_gas_price_wei_sum, l1_data_gas_priced_blocks, l2_gas_priced_blocks)
            select 'hour', $1 + i * interval '1 hour', 1, 100 + (i * 7919 % 997), 0, 0, 0, 0, (100 + (i * 7919 % 997)) * 1000,
              0, 0, 0, 1, 10000, $2, $2, 0, 0, 0, 0, 0, 0, 1, 1
            from generate_series(0, $3 - 1) as i
            """))
        {
            network.Parameters.AddWithValue(Start);
            network.Parameters.AddWithValue(sketch);
            network.Parameters.AddWithValue(Hours);
            await network.ExecuteNonQueryAsync();
        }
        await using (var gas = db.CreateCommand("""
            insert into ciro.rollup_gas (bucket, bucket_start, contract, selector, multicall, function_name, tx_count, reverted,
              l1_gas, l1_data_gas, l2_gas, fee_wei, fee_fri, l1_gas_sketch, l1_data_gas_sketch, l2_gas_sketch, fee_wei_sketch, fee_fri_sketch)
            select 'hour', $1 + i * interval '1 hour', $4, $5, false, 'mention', 100 + (i * 7919 % 997), 0,
              0, 0, (100 + (i * 7919 % 997)) * 1000, 0, 0, $2, $2, $2, $2, $2
            from generate_series(0, $3 - 1) as i
            """))
        {
            gas.Parameters.AddWithValue(Start);
            gas.Parameters.AddWithValue(sketch);
            gas.Parameters.AddWithValue(Hours);
            gas.Parameters.AddWithValue(Contract);
            gas.Parameters.AddWithValue(Selector);
            await gas.ExecuteNonQueryAsync();
        }

        // Every column but the sketches, for the analytics role, in this database only (other tests keep the full grant).
        foreach (var (table, sketchColumns) in SketchColumns)
        {
            var columns = new List<string>();
            await using (var read = db.CreateCommand("select column_name from information_schema.columns where table_schema = 'ciro' and table_name = $1 order by column_name"))
            {
                read.Parameters.AddWithValue(table);
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    columns.Add(reader.GetString(0));
                }
            }
            // A new sketch column must be added to SketchColumns, or this test would let it be read.
            Assert.Equal(sketchColumns, columns.Where(c => c.EndsWith("_sketch", StringComparison.Ordinal)).Order());
            var readable = string.Join(", ", columns.Except(sketchColumns));
            await using var revoke = db.CreateCommand($"revoke select on ciro.{table} from {DatabaseRoles.Analytics}");
            await revoke.ExecuteNonQueryAsync();
            await using var grant = db.CreateCommand($"grant select ({readable}) on ciro.{table} to {DatabaseRoles.Analytics}");
            await grant.ExecuteNonQueryAsync();
        }

        await using var app = fixture.App(db);
        using var http = app.CreateClient();
        var from = Start.AddDays(28);
        var to = Start.AddDays(120);
        string Range(string metric, int page) =>
            $"/api/kpi/anomalies?metric={metric}&from={from:yyyy-MM-ddTHH:mm:ssZ}&to={to:yyyy-MM-ddTHH:mm:ssZ}&pageSize=1000&page={page}";

        // Network transactions, and the L2 gas of the one function (the gas rollup's rows, through the contract filter).
        foreach (var (metric, filter, perTx) in new[] { ("tx_count", "", 1L), ("l2_gas", $"&contract=0x{Convert.ToHexStringLower(Contract).TrimStart('0')}", 1000L) })
        {
            var values = new List<(DateTimeOffset Hour, double Value)>();
            for (var page = 1; page <= 3; page++)
            {
                using var response = await http.GetAsync(Range(metric, page) + filter);
                var body = await response.Content.ReadAsStringAsync();
                // A query naming a sketch column gets "permission denied" from PostgreSQL here, which the API answers with 500.
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{metric} page {page}: {(int)response.StatusCode} {body}");
                var answer = JsonDocument.Parse(body).RootElement;
                Assert.Equal(92 * 24, answer.GetProperty("totalCount").GetInt32());
                values.AddRange(answer.GetProperty("items").EnumerateArray()
                    .Select(r => (r.GetProperty("hour").GetDateTimeOffset(), r.GetProperty("value").GetDouble())));
            }
            Assert.Equal(92 * 24, values.Count);
            for (var k = 0; k < values.Count; k++)
            {
                var i = 28 * 24 + k; // the hour's index from Start
                Assert.Equal(Start.AddHours(i), values[k].Hour);
                Assert.True(TxCount(i) * perTx == values[k].Value,
                    $"{metric} at {values[k].Hour:yyyy-MM-dd HH}: {values[k].Value.ToString(CultureInfo.InvariantCulture)}, rollup {TxCount(i) * perTx}");
            }
        }

        // The restriction was in force while the requests ran: the role is refused a sketch column, allowed the counts.
        await using var asAnalytics = NpgsqlDataSource.Create(DatabaseRoles.ConnectionStringAs(db.ConnectionString, DatabaseRoles.Analytics));
        await using (var counts = asAnalytics.CreateCommand("select count(*), sum(tx_count) from ciro.rollup_network"))
        await using (var reader = await counts.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(Hours, reader.GetInt64(0));
        }
        foreach (var (table, sketchColumns) in SketchColumns)
        {
            foreach (var column in sketchColumns)
            {
                await using var sketchRead = asAnalytics.CreateCommand($"select {column} from ciro.{table} limit 1");
                var refused = await Assert.ThrowsAsync<PostgresException>(() => sketchRead.ExecuteScalarAsync());
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            }
        }
    }
}
