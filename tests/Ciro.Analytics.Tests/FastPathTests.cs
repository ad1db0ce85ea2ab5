using System.Numerics;
using Ciro.Analytics.Queries;
using Ciro.Analytics.Rollups;
using Ciro.Analytics.Sketches;
using Ciro.Starknet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>
/// The fast read paths (gas rows with percentiles read from serialized sketches, leaderboard from day rows
/// for whole days) give exactly the answers of the straightforward paths they replace, on a ten-day chain
/// with random gas, multicalls, WEI fees, reverts and worker jobs crossing day and week boundaries.
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class FastPathTests(AnalyticsFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 2, 27, 5, 17, 0, TimeSpan.Zero); // a Friday
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(_db, TenDays());
        await using var app = fixture.App(_db);
        await app.Services.GetRequiredService<RollupReconciler>().ReconcileAsync(null, default);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>A block every 97 minutes for ten days: a job assigned and one completed (or reverted) per block,
    /// plus transfers, swaps (half as multicalls) and approvals with random gas and fees.</summary>
    private static List<KnownChain.Block> TenDays()
    {
        var random = new Random(42);
        string[] workers = [KnownChain.W1, KnownChain.W2, KnownChain.W3, "0xa4"];
        var blocks = new List<KnownChain.Block>();
        for (var n = 0; n < 150; n++)
        {
            var txs = new List<KnownChain.Tx>
            {
                new(KnownChain.Operator, [new KnownChain.Call(KnownChain.JobManager, "assign_job_to_worker")], random.Next(1000, 5000), random.Next(100, 900),
                    Events: [new KnownChain.Event(KnownChain.JobManager, "JobAssigned", $$"""{"job_id":"{{n}}","worker":"{{workers[n % 4]}}"}""")]),
            };
            if (n > 0)
            {
                var reverted = random.Next(5) == 0;
                txs.Add(new KnownChain.Tx(workers[(n - 1) % 4], [new KnownChain.Call(KnownChain.JobManager, "submit_job_result")], random.Next(2000, 90000),
                    random.Next(100, 9000), Reverted: reverted, L1DataGas: random.Next(0, 300),
                    Events: reverted ? null : [new KnownChain.Event(KnownChain.JobManager, "JobCompleted", $$"""{"job_id":"{{n - 1}}","worker":"{{workers[(n - 1) % 4]}}"}""")]));
            }
            for (var k = random.Next(0, 4); k > 0; k--)
            {
                KnownChain.Call[] calls = random.Next(3) switch
                {
                    0 => [new(KnownChain.Token, "transfer")],
                    1 => [new(KnownChain.Token, "approve"), new(KnownChain.Pool, "swap")],
                    _ => [new(KnownChain.Pool, "swap")],
                };
                txs.Add(new KnownChain.Tx(KnownChain.C2, calls, (long)Math.Exp(random.NextDouble() * 12), random.Next(0, 100_000),
                    random.Next(4) == 0 ? "WEI" : "FRI", L1DataGas: random.Next(0, 500)));
            }
            blocks.Add(new KnownChain.Block(n, Start.AddMinutes(97 * n), txs.ToArray()));
        }
        return blocks;
    }

    [Fact]
    public async Task Serialized_quantiles_equal_deserialized_ones()
    {
        var random = new Random(7);
        double[] qs = [0, 0.01, 0.5, 0.95, 0.99, 1];
        for (var i = 0; i < 300; i++)
        {
            var sketch = new DDSketch();
            for (var k = random.Next(0, 200); k > 0; k--)
            {
                sketch.Add(random.Next(4) == 0 ? 0 : Math.Exp(random.NextDouble() * 30), random.Next(1, 5));
            }
            var bytes = sketch.Serialize();
            var results = new double?[qs.Length];
            DDSketch.Quantiles(bytes, qs, results);
            var reference = DDSketch.Deserialize(bytes);
            Assert.Equal(qs.Select(q => reference.Quantile(q)).ToArray(), results);
        }
        var empty = new double?[1];
        DDSketch.Quantiles([], [0.5], empty);
        Assert.Null(empty[0]);
    }

    [Theory]
    [InlineData("hour", "l2_gas", 1, 1000)]
    [InlineData("day", "l2_gas", 1, 1000)]
    [InlineData("day", "fee_wei", 2, 7)]
    [InlineData("day", "fee_fri", 1, 1000)]
    [InlineData("day", "l1_data_gas", 1, 1000)]
    [InlineData("week", "l1_gas", 1, 1000)]
    [InlineData("week", "l2_gas", 1, 3)]
    public async Task Gas_rows_equal_the_row_by_row_sketch_path(string bucket, string metric, int page, int pageSize)
    {
        var from = Start.AddHours(7);
        var to = Start.AddDays(9.5);
        foreach (var function in new string?[] { null, "swap" })
        {
            var request = new KpiRequest(from, to, bucket, null, function, null, null, metric, page, pageSize, false);
            var fast = await new GasKpis(_db).GetAsync(request, default);
            var reference = await ReferenceGasAsync(request);
            Assert.NotEmpty(reference.Items);
            Assert.Equal(reference.TotalCount, fast.TotalCount);
            Assert.Equal(reference.Items, fast.Items);
            Assert.Equal(reference.Notes, fast.Notes);
        }
    }

    [Fact]
    public async Task Leaderboard_from_day_rows_equals_merging_every_hour()
    {
        await using var connection = await _db.OpenConnectionAsync();
        // Ranges starting and ending mid-day, a range within one day, and one aligned to whole days.
        (DateTimeOffset From, DateTimeOffset To)[] ranges =
        [
            (Start.AddHours(3), Start.AddDays(8).AddMinutes(13)),
            (Start.AddHours(20), Start.AddHours(30)),
            (new DateTimeOffset(2026, 2, 28, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero)),
        ];
        foreach (var (from, to) in ranges)
        {
            var start = Buckets.Floor(from, Buckets.Hour);
            var merged = await RollupStore.LoadHoursMergedAsync<WorkerRollup, Felt>(connection, start, to, from, default);
            var reference = await RollupStore.LoadAsync<WorkerRollup, Felt>(connection, null, Buckets.Hour, start, to, _ => from, default);
            Assert.NotEmpty(reference.Rows);
            Assert.Equal(Describe(reference), Describe(merged));

            var request = new KpiRequest(from, to, Buckets.Hour, null, null, null, null, null, 1, 100, false);
            var board = await new WorkerKpis(_db, Options.Create(new AnalyticsOptions { LeaderboardMinSamples = 2 })).GetLeaderboardAsync(request, default);
            Assert.Equal(reference.Rows.Count(), board.TotalCount);
        }
    }

    private static string[] Describe(RollupSet<WorkerRollup, Felt> set) => set.Rows
        .Select(r => $"{r.BucketStart:O} {r.Worker} {r.Assigned},{r.Completed},{r.Failed} {r.Paid} " +
                     Convert.ToHexString(r.CompletionSketch.Serialize()))
        .Order(StringComparer.Ordinal).ToArray();

    /// <summary>The first version of GasKpis.GetAsync, kept here as the reference: every row loaded and every
    /// sketch deserialized through RollupStore, percentiles from the deserialized sketch.</summary>
    private async Task<TablePage<GasRow>> ReferenceGasAsync(KpiRequest request)
    {
        await using var connection = await _db.OpenConnectionAsync();
        var start = Buckets.Floor(request.From, request.Bucket);
        var (filter, values) = GasKpis.Filter(request, 4);
        var rows = await RollupStore.LoadAsync<GasRollup, GasKey>(connection, null, request.Bucket, start, request.To, t => t, default, filter, values);
        var totals = await RollupStore.LoadAsync<NetworkRollup, NetworkRollup.Whole>(connection, null, request.Bucket, start, request.To, t => t, default);
        // The chosen metric's per-row value and sketch, and the bucket total of that metric.
        Func<GasRollup, (BigInteger Amount, DDSketch Sketch)> metric = request.Metric switch
        {
            "l1_gas" => r => (r.L1Gas, r.L1GasSketch),
            "l1_data_gas" => r => (r.L1DataGas, r.L1DataGasSketch),
            "l2_gas" => r => (r.L2Gas, r.L2GasSketch),
            "fee_wei" => r => (r.FeeWei, r.FeeWeiSketch),
            _ => r => (r.FeeFri, r.FeeFriSketch),
        };
        Func<NetworkRollup, BigInteger> networkTotal = request.Metric switch
        {
            "l1_gas" => n => n.L1Gas,
            "l1_data_gas" => n => n.L1DataGas,
            "l2_gas" => n => n.L2Gas,
            "fee_wei" => n => n.FeeWei,
            _ => n => n.FeeFri,
        };
        var totalByBucket = totals.Rows.ToDictionary(r => r.BucketStart, networkTotal);
        var result = rows.Rows
            .Select(r =>
            {
                var (amount, sketch) = metric(r);
                var total = totalByBucket.GetValueOrDefault(r.BucketStart);
                return new GasRow(r.BucketStart, r.Key.Contract.ToString(), r.FunctionName ?? r.Key.Selector.ToString(), r.Key.Selector.ToString(),
                    r.Key.Multicall ? "multicall" : "single", r.TxCount, r.TxCount - r.Reverted, r.Reverted,
                    (long)r.L1Gas, (long)r.L1DataGas, (long)r.L2Gas, r.FeeWei.ToString(), r.FeeFri.ToString(),
                    request.Metric!, sketch.Quantile(0.5), sketch.Quantile(0.95), sketch.Quantile(0.99),
                    total.IsZero ? null : GasKpis.Ratio(amount, total));
            })
            .OrderBy(r => r.BucketStart).ThenByDescending(r => r.L2Gas).ThenBy(r => r.Contract).ThenBy(r => r.Selector).ThenBy(r => r.CallShape)
            .ToList();
        return TablePage<GasRow>.Of(result, request, GasKpis.AttributionNote,
            "Percentiles are nearest-rank, from DDSketches with 1% relative accuracy merged across buckets.");
    }
}
