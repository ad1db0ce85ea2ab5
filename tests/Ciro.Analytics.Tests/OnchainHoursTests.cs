using System.Text;
using System.Text.Json;
using Ciro.Analytics.Onchain;
using Ciro.Starknet;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>
/// ciro.rollup_onchain_hour (migration 109) on <see cref="RollupFoldTests"/>' chain with the performance monitor's
/// events added (<see cref="WithMonitor"/>): CallSampled on every third hooked call, JobSampled for even job ids
/// (stage 0 at assignment, stage 1 with a duration at completion), a SampleRateChanged every 25 blocks, rates 3 then
/// 2, and fail_job + WorkerReleased + JobSampled stage 2 for some assigned jobs. Folding block by block (with a late
/// block and a reorg) must give the rows of a recompute from scratch; the on-chain KPIs (rollup + raw edges + blocks
/// newer than the ledger) must equal the pre-rollup code (<see cref="RawOnchainKpis"/>) field for field; the migration's
/// backfill must give the reconciler's rows.
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class OnchainHoursTests(AnalyticsFixture fixture)
{
    /// <summary>A job assigned only (no other lifecycle event) whose release is put hours later by <see cref="WithMonitor"/>.</summary>
    private const string LoneJob = "777777";

    private static readonly HashSet<string> Hooked = [.. OnchainKpis.HookedFunctions];

    /// <summary>
    /// The chain with monitor events added (deterministic, no random draws, so the base chain is the seed's). With
    /// <paramref name="loneAssignedIn"/>: block of that number gets a JobAssigned of <see cref="LoneJob"/>, and the
    /// first block of a later hour than the block after it gets its fail_job/WorkerReleased.
    /// </summary>
    internal static List<KnownChain.Block> WithMonitor(List<KnownChain.Block> chain, long? loneAssignedIn = null)
    {
        var result = new List<KnownChain.Block>();
        var assigned = new List<(string Id, string Worker, long Block)>();
        var releaseAt = new Dictionary<long, List<(string Id, string Worker)>>();
        var loneRelease = loneAssignedIn is { } g
            ? chain.FirstOrDefault(b => Hour(b.Time) > Hour(chain.Single(c => c.Number == g + 1).Time))?.Number : null;
        foreach (var block in chain)
        {
            var rate = block.Number < 60 ? "3" : "2";
            var txs = new List<KnownChain.Tx>();
            for (var i = 0; i < block.Txs.Length; i++)
            {
                var tx = block.Txs[i];
                var events = new List<KnownChain.Event>(tx.Events ?? []);
                if (!tx.Reverted)
                {
                    for (var c = 0; c < tx.Calls.Length; c++)
                    {
                        if (Hooked.Contains(tx.Calls[c].Function) && (block.Number + i + c) % 3 == 0)
                        {
                            events.Add(new(tx.Calls[c].Contract, "PerformanceEvent::CallSampled",
                                $$"""{"selector":"{{Selector.FromName(tx.Calls[c].Function)}}","sample_rate":"{{rate}}"}"""));
                        }
                    }
                    foreach (var e in tx.Events ?? [])
                    {
                        var decoded = JsonDocument.Parse(e.DecodedJson).RootElement;
                        if (e.Name is not ("JobAssigned" or "JobCompleted"))
                        {
                            continue;
                        }
                        var id = decoded.GetProperty("job_id").GetString()!;
                        var worker = decoded.GetProperty("worker").GetString()!;
                        if (e.Name == "JobAssigned" && long.Parse(id) % 5 == 1)
                        {
                            assigned.Add((id, worker, block.Number));
                            releaseAt.TryAdd(block.Number + 2, []);
                            releaseAt[block.Number + 2].Add((id, worker));
                        }
                        if (long.Parse(id) % 2 == 0)
                        {
                            var (stage, duration) = e.Name == "JobAssigned" ? ("0", "0") : ("1", (long.Parse(id) % 50 + 1).ToString());
                            events.Add(new(KnownChain.JobManager, "PerformanceEvent::JobSampled",
                                $$"""{"job_id":"{{id}}","worker":"{{worker}}","stage":"{{stage}}","duration":"{{duration}}","sample_rate":"{{rate}}"}"""));
                        }
                    }
                }
                if (i == 0 && block.Number % 25 == 10)
                {
                    events.Add(new(KnownChain.JobManager, "PerformanceEvent::SampleRateChanged", $$"""{"new_rate":"{{block.Number % 7 + 1}}"}"""));
                }
                txs.Add(tx with { Events = [.. events] });
            }
            foreach (var (id, worker) in releaseAt.GetValueOrDefault(block.Number) ?? [])
            {
                txs.Add(Release(id, worker, rate));
            }
            if (block.Number == loneAssignedIn)
            {
                txs.Add(new KnownChain.Tx(KnownChain.Operator, [new KnownChain.Call(KnownChain.JobManager, "assign_job_to_worker")], 4000, 70,
                    Events: [new(KnownChain.JobManager, "JobAssigned", $$"""{"job_id":"{{LoneJob}}","worker":"{{KnownChain.W3}}"}""")]));
            }
            if (block.Number == loneRelease)
            {
                txs.Add(Release(LoneJob, KnownChain.W3, rate));
            }
            result.Add(block with { Txs = [.. txs] });
        }
        return result;
    }

    private static DateTimeOffset Hour(DateTimeOffset t) => Rollups.Buckets.Floor(t, Rollups.Buckets.Hour);

    private static KnownChain.Tx Release(string id, string worker, string rate) =>
        new(KnownChain.Operator, [new KnownChain.Call(KnownChain.JobManager, "fail_job")], 3000, 60,
            Events: [new(KnownChain.JobManager, "WorkerReleased", $$$"""{"job_id":{"value":"{{{id}}}"}}"""),
                     new(KnownChain.JobManager, "PerformanceEvent::JobSampled",
                         $$"""{"job_id":"{{id}}","worker":"{{worker}}","stage":"2","duration":"7","sample_rate":"{{rate}}"}""")]);

    private static async Task<string> TableAsync(NpgsqlDataSource db)
    {
        var text = new StringBuilder();
        await using var command = db.CreateCommand("select t::text from ciro.rollup_onchain_hour t order by t::text");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            text.AppendLine(reader.GetString(0));
        }
        return text.ToString();
    }

    private async Task<string> CleanTableAsync(IEnumerable<KnownChain.Block> blocks)
    {
        await using var clean = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(clean, blocks);
        Assert.Equal(0, (await RollupFoldTests.Reconciler(clean).ReconcileAsync(null, default)).FoldedBlocks);
        return await TableAsync(clean);
    }

    /// <summary>Column sums of the table: samples, Σ rates, successful hooked calls, assigned, completed, failed, pairs.</summary>
    private static async Task<long[]> SumsAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("""
            select coalesce(sum(samples), 0)::bigint, coalesce(sum(rate_sum), 0)::bigint, coalesce(sum(actual), 0)::bigint, coalesce(sum(assigned), 0)::bigint,
                   coalesce(sum(completed), 0)::bigint, coalesce(sum(failed), 0)::bigint, coalesce(sum(pairs), 0)::bigint
            from ciro.rollup_onchain_hour
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return Enumerable.Range(0, 7).Select(reader.GetInt64).ToArray();
    }

    /// <summary>The same sums counted from the blocks in C# (the definition, not the rollup's SQL).</summary>
    private static long[] Definition(IEnumerable<KnownChain.Block> blocks)
    {
        var list = blocks.ToList();
        var events = list.SelectMany(b => b.Txs.SelectMany(t => (t.Events ?? []).Select(e => (Block: b, e.Name, Json: JsonDocument.Parse(e.DecodedJson).RootElement)))).ToList();
        var assignedAt = events.Where(e => e.Name == "JobAssigned").ToLookup(e => e.Json.GetProperty("job_id").GetString()!, e => e.Block.Time);
        var samples = events.Where(e => e.Name is "PerformanceEvent::CallSampled" or "PerformanceEvent::JobSampled").ToList();
        return
        [
            samples.Count,
            samples.Sum(e => long.Parse(e.Json.GetProperty("sample_rate").GetString()!)),
            list.Sum(b => b.Txs.Where(t => !t.Reverted).Sum(t => t.Calls.Count(c => Hooked.Contains(c.Function)))),
            events.Count(e => e.Name == "JobAssigned"),
            events.Count(e => e.Name == "JobCompleted"),
            events.Where(e => e.Name == "WorkerReleased").Sum(e => assignedAt[e.Json.GetProperty("job_id").GetProperty("value").GetString()!].Count(t => t <= e.Block.Time)),
            events.Where(e => e.Name == "JobCompleted").Sum(e => assignedAt[e.Json.GetProperty("job_id").GetString()!].Count(t => t <= e.Block.Time)),
        ];
    }

    [Fact]
    public async Task Blocks_folded_one_by_one_with_a_late_assignment_and_a_reorg_give_the_rows_of_a_recompute()
    {
        var plain = RollupFoldTests.Chain(0, 120, seed: 51, salt: "a");
        // The lone job is assigned in block 20 and released in a later hour than block 21's: when block 20 arrives last, only
        // the plan's WorkerReleased check recomputes the release's hour (no other figure of that hour changes).
        const long lateBlock = 20;
        var chain = WithMonitor(plain, loneAssignedIn: lateBlock);
        var release = chain.First(b => b.Txs.Any(t => (t.Events ?? []).Any(e => e.DecodedJson.Contains(LoneJob) && e.Name == "WorkerReleased")));
        Assert.True(Hour(release.Time) > Hour(chain[(int)lateBlock + 1].Time), "the release is in a later hour than the block after the late one");

        await using var db = await fixture.NewDatabaseAsync();
        var reconciler = RollupFoldTests.Reconciler(db);
        foreach (var block in chain.Where(b => b.Number != lateBlock))
        {
            await KnownChain.InsertAsync(db, [block]);
            await reconciler.ReconcileAsync(block.Number, default);
        }
        Assert.Equal(await CleanTableAsync(chain.Where(b => b.Number != lateBlock)), await TableAsync(db));
        await KnownChain.InsertAsync(db, [chain[(int)lateBlock]]);
        await reconciler.ReconcileAsync(lateBlock, default);
        var expected = Definition(chain);
        // Every statistic is exercised: samples, rates, calls, assignments, completions, releases, pairs.
        Assert.All(expected, sum => Assert.True(sum > 0, string.Join(" ", expected)));
        Assert.Equal(expected, await SumsAsync(db));
        Assert.Equal(await CleanTableAsync(chain), await TableAsync(db));

        // A reorg of the last 30 blocks onto another branch (other jobs, samples and times), then more blocks on top.
        var branch = WithMonitor(RollupFoldTests.Chain(0, 130, seed: 52, salt: "b")).Where(b => b.Number >= 90).ToList();
        await KnownChain.RevertAboveAsync(db, 89);
        await KnownChain.InsertAsync(db, branch.Take(25));
        Assert.True((await reconciler.ReconcileAsync(90, default)).RecomputedHours > 0, "the reorged hours are recomputed");
        foreach (var block in branch.Skip(25))
        {
            await KnownChain.InsertAsync(db, [block]);
            await reconciler.ReconcileAsync(block.Number, default);
        }
        var final = chain.Take(90).Concat(branch).ToList();
        var afterReorg = await TableAsync(db);
        Assert.NotEqual(await CleanTableAsync(chain), afterReorg);
        Assert.Equal(await CleanTableAsync(final), afterReorg);
        Assert.Equal(Definition(final), await SumsAsync(db));
    }

    [Fact]
    public async Task The_reports_from_the_rollup_equal_the_raw_computation_with_edges_and_blocks_newer_than_the_ledger()
    {
        var chain = WithMonitor(RollupFoldTests.Chain(0, 100, seed: 53, salt: "a"));
        await using var db = await fixture.NewDatabaseAsync();
        var reconciler = RollupFoldTests.Reconciler(db);
        var kpis = new OnchainKpis(db);
        var raw = new RawOnchainKpis(db);
        var (first, last) = (chain[0].Time, chain[^1].Time);
        Assert.True(last - first > TimeSpan.FromHours(1.5), $"{first:O} – {last:O}");
        (DateTimeOffset From, DateTimeOffset To)[] ranges =
        [
            (first.AddMinutes(7), last.AddMinutes(-11)), // partial first and last hours
            (Rollups.Buckets.Floor(first, Rollups.Buckets.Hour), Rollups.Buckets.Floor(last, Rollups.Buckets.Hour).AddHours(1)), // whole hours
            (Rollups.Buckets.Floor(first, Rollups.Buckets.Hour).AddHours(1).AddMinutes(5), Rollups.Buckets.Floor(first, Rollups.Buckets.Hour).AddHours(1).AddMinutes(50)), // inside one hour
            (first.AddHours(-30), last.AddSeconds(1)), // rates from a day before the range
        ];

        async Task SameAnswersAsync()
        {
            foreach (var (from, to) in ranges)
            {
                foreach (var target in new[] { 0.1, 0.05 })
                {
                    Assert.Equal(Json(await raw.GetCallsAsync(from, to, target, default)), Json(await kpis.GetCallsAsync(from, to, target, default)));
                }
                Assert.Equal(Json(await raw.GetWorkersAsync(from, to, default)), Json(await kpis.GetWorkersAsync(from, to, default)));
                Assert.Equal(Json(await raw.GetJobTimingsAsync(from, to, default)), Json(await kpis.GetJobTimingsAsync(from, to, default)));
            }
        }

        // Rolled up: blocks 0–69 except a late one with monitor events; blocks 70–99 are stored but not rolled up
        // (newer than the ledger: read raw). The late block is not stored yet.
        var late = chain.Skip(40).First(b => b.Txs.Any(t => (t.Events ?? []).Any(e => e.Name.StartsWith("PerformanceEvent::", StringComparison.Ordinal)))).Number;
        foreach (var batch in chain.Take(70).Where(b => b.Number != late).Chunk(5))
        {
            await KnownChain.InsertAsync(db, batch);
            await reconciler.ReconcileAsync(batch[0].Number, default);
        }
        var rolledUp = await SumsAsync(db);
        await KnownChain.InsertAsync(db, chain.Skip(70));
        Assert.NotEqual(Definition(chain.Where(b => b.Number != late)), rolledUp); // the newer blocks hold statistics the table does not
        await SameAnswersAsync();

        // The late block, below the ledger's newest block, counts once the reconciler has taken it (until then the
        // answers are those of the ledger's blocks and the newer ones, as in the gas and usage KPIs).
        await KnownChain.InsertAsync(db, [chain[(int)late]]);
        Assert.NotEqual(Json(await raw.GetCallsAsync(ranges[1].From, ranges[1].To, 0.1, default)), Json(await kpis.GetCallsAsync(ranges[1].From, ranges[1].To, 0.1, default)));
        await reconciler.ReconcileAsync(late, default);
        await SameAnswersAsync();

        // The answers are not trivial: samples, failures from stage 2, timings on both sides.
        var calls = await kpis.GetCallsAsync(ranges[0].From, ranges[0].To, 0.1, default);
        Assert.Contains(calls.Totals, r => r.Samples > 10 && r.Actual > 10);
        Assert.Contains(calls.Hours, r => r.Samples == 0 && r.High > 0); // an hour without samples uses the rate in force
        var workers = await kpis.GetWorkersAsync(ranges[0].From, ranges[0].To, default);
        Assert.Contains(workers.Workers, w => w.Failed.Samples > 0 && w.ActualFailed > 0);
        var jobs = await kpis.GetJobTimingsAsync(ranges[0].From, ranges[0].To, default);
        Assert.True(jobs.Samples > 1 && jobs.ActualJobs > 1 && jobs.ActualMeanSeconds > 0, $"{jobs}");

        await reconciler.ReconcileAsync(null, default);
        Assert.Equal(Definition(chain), await SumsAsync(db));
        await SameAnswersAsync();
    }

    [Fact]
    public async Task The_migration_fills_the_table_with_the_ledger_blocks_of_a_database_rolled_up_before_it()
    {
        var chain = WithMonitor(RollupFoldTests.Chain(0, 90, seed: 54, salt: "a"));
        await using var db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(db, chain.Take(70));
        await RollupFoldTests.Reconciler(db).ReconcileAsync(null, default);
        // Blocks the ledger does not hold: the API reads them raw, so the table must not count them.
        await KnownChain.InsertAsync(db, chain.Skip(70));
        var rolledUp = await TableAsync(db);
        Assert.Equal(Definition(chain.Take(70)), await SumsAsync(db));

        // As if the table had just been created on this database: migration 109's backfill, run again.
        await using (var empty = db.CreateCommand("delete from ciro.rollup_onchain_hour"))
        {
            Assert.True(await empty.ExecuteNonQueryAsync() > 0);
        }
        await using var resource = typeof(Ciro.Storage.SchemaMigrator).Assembly.GetManifestResourceStream("Ciro.Storage.Migrations.109_onchain_hours.sql")!;
        await using (var migration = db.CreateCommand(await new StreamReader(resource).ReadToEndAsync()))
        {
            await migration.ExecuteNonQueryAsync();
        }
        Assert.Equal(rolledUp, await TableAsync(db));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static string Json<T>(T report) => JsonSerializer.Serialize(report, JsonOptions);
}
