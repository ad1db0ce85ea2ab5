using System.Text;
using Ciro.Analytics.Notifications;
using Ciro.Analytics.Rollups;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>
/// Folding new blocks into stored rollup rows gives exactly the rows of a recompute from raw: every hour, day and
/// week row of every family (sketches as bytes), ciro.function_callers, ciro.usage_callers, ciro.usage_returns, ciro.rollup_jobs_minute, ciro.rollup_onchain_hour and the ledger, compared as
/// text with a database rolled up once from scratch over the same final chain. The usage rows are also compared with
/// the calls and transactions counted in C# from the chain itself (the definition, not the rollup's SQL).
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class RollupFoldTests(AnalyticsFixture fixture)
{
    /// <summary>Sunday 23:40 UTC: the chain crosses an hour, a day and a week (ISO weeks start on Monday).</summary>
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 23, 40, 0, TimeSpan.Zero);

    /// <summary>Where <see cref="Chain"/> puts a job whose JobAssigned comes one block (same second) before its
    /// JobAllocated: the stage time of the stored JobAssigned changes when the later block arrives.</summary>
    private const int LateStartBlock = 37;

    private static readonly string[] Workers = [KnownChain.W1, KnownChain.W2, KnownChain.W3];
    private static readonly string[] Clients = [KnownChain.Client, KnownChain.C2, "0xc3", "0xc4"];

    [Fact]
    public async Task Blocks_folded_one_by_one_give_the_rows_of_a_full_recompute()
    {
        var chain = Chain(0, 100, seed: 11, salt: "a");
        await using var db = await fixture.NewDatabaseAsync();
        var reconciler = Reconciler(db);
        var passes = new List<RollupPass>();
        foreach (var block in chain)
        {
            await KnownChain.InsertAsync(db, [block]);
            passes.Add(await reconciler.ReconcileAsync(block.Number, default));
            // A replayed, older notification finds nothing left to do.
            Assert.Equal(0, (await reconciler.ReconcileAsync(0, default)).Hours);
        }

        Assert.Equal(await CleanDumpAsync(chain), await DumpAsync(db));
        Assert.Equal(UsageDefinition(chain), await UsageRowsAsync(db));

        // Each hour's first block is recomputed (the hour is new to the ledger), and so is the hour of the stored
        // JobAssigned when its JobAllocated arrives; every other block is folded alone.
        var firstOfHour = chain.GroupBy(b => Buckets.Floor(b.Time, Buckets.Hour)).Select(g => g.First().Number).ToHashSet();
        Assert.True(firstOfHour.Count >= 3, $"{firstOfHour.Count} hours");
        for (var i = 0; i < chain.Count; i++)
        {
            var recomputed = firstOfHour.Contains(chain[i].Number) || chain[i].Number == LateStartBlock + 1;
            Assert.Equal((recomputed ? 1 : 0, recomputed ? 0 : 1), (passes[i].RecomputedHours, passes[i].FoldedBlocks));
            Assert.Equal(Buckets.Floor(chain[i].Time, Buckets.Hour), passes[i].Changed!.Value.From);
        }
    }

    [Fact]
    public async Task A_late_block_and_a_reorg_after_folding_give_the_rows_of_a_full_recompute()
    {
        var chain = Chain(0, 120, seed: 12, salt: "a");
        const int gap = 64;
        await using var db = await fixture.NewDatabaseAsync();
        var reconciler = Reconciler(db);
        var random = new Random(3);
        // Passes of 1–4 new blocks each (block 64 held back, so one pass folds 63 and 65 together).
        var arriving = chain.Where(b => b.Number != gap).ToList();
        for (var i = 0; i < arriving.Count;)
        {
            var batch = arriving.Skip(i).Take(random.Next(1, 5)).ToList();
            i += batch.Count;
            await KnownChain.InsertAsync(db, batch);
            await reconciler.ReconcileAsync(batch[0].Number, default);
        }
        Assert.Equal(await CleanDumpAsync(chain.Where(b => b.Number != gap)), await DumpAsync(db));
        Assert.Equal(UsageDefinition(chain.Where(b => b.Number != gap)), await UsageRowsAsync(db));

        // Block 64 arrives last: block 65's stored interval (none until now) changes, so its hour is recomputed
        // (and the hour of any stored stage end whose start is in block 64).
        await KnownChain.InsertAsync(db, [chain[gap]]);
        var late = await reconciler.ReconcileAsync(gap, default);
        Assert.True(late.RecomputedHours >= 1, $"{late.RecomputedHours} hours recomputed");
        Assert.True(late.Changed!.Value.From <= Buckets.Floor(chain[gap + 1].Time, Buckets.Hour));
        Assert.Equal(await CleanDumpAsync(chain), await DumpAsync(db));

        // A reorg of the last 25 blocks onto another branch (other transactions and times), announced from its
        // first block, then more blocks folded on top of it.
        var branch = Chain(95, 130, seed: 13, salt: "b");
        await KnownChain.RevertAboveAsync(db, 94);
        await KnownChain.InsertAsync(db, branch.Take(20));
        var reorg = await reconciler.ReconcileAsync(95, default);
        Assert.True(reorg.RecomputedHours > 0, "the reorged hours are recomputed");
        Assert.Equal(UsageDefinition(chain.Take(95).Concat(branch.Take(20))), await UsageRowsAsync(db));
        foreach (var block in branch.Skip(20))
        {
            await KnownChain.InsertAsync(db, [block]);
            await reconciler.ReconcileAsync(block.Number, default);
        }
        var final = chain.Take(95).Concat(branch).ToList();
        Assert.Equal(await CleanDumpAsync(final), await DumpAsync(db));
        Assert.Equal(UsageDefinition(final), await UsageRowsAsync(db));
        Assert.Equal(0, (await reconciler.ReconcileAsync(null, default)).Hours);
    }

    [Fact]
    public async Task The_migrations_fill_usage_callers_and_usage_returns_with_the_rows_of_the_rolled_up_blocks()
    {
        // A database rolled up before migration 107: its backfill must give the reconciler's rows for the blocks in
        // the ledger and nothing for blocks not rolled up yet (the reconciler folds those later).
        var chain = Chain(0, 60, seed: 14, salt: "a");
        await using var db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(db, chain.Take(50));
        await Reconciler(db).ReconcileAsync(null, default);
        await KnownChain.InsertAsync(db, chain.Skip(50));
        var rolled = await UsageRowsAsync(db);
        Assert.Equal(UsageDefinition(chain.Take(50)), rolled);

        await using (var delete = db.CreateCommand("delete from ciro.usage_callers"))
        {
            Assert.True(await delete.ExecuteNonQueryAsync() > 0);
        }
        await using var stream = typeof(Ciro.Storage.SchemaMigrator).Assembly.GetManifestResourceStream("Ciro.Storage.Migrations.107_usage_callers.sql")!;
        await using (var migrate = db.CreateCommand(await new StreamReader(stream).ReadToEndAsync()))
        {
            await migrate.ExecuteNonQueryAsync();
        }
        Assert.Equal(rolled, await UsageRowsAsync(db));

        // Migration 112 counts the same usage rows by previous day as the reconciler kept them.
        var returns = await TableAsync(db, "usage_returns");
        Assert.Contains("-infinity", returns);
        await using (var delete = db.CreateCommand("delete from ciro.usage_returns"))
        {
            Assert.True(await delete.ExecuteNonQueryAsync() > 0);
        }
        await using var stream112 = typeof(Ciro.Storage.SchemaMigrator).Assembly.GetManifestResourceStream("Ciro.Storage.Migrations.112_usage_returns.sql")!;
        await using (var migrate = db.CreateCommand(await new StreamReader(stream112).ReadToEndAsync()))
        {
            await migrate.ExecuteNonQueryAsync();
        }
        Assert.Equal(returns, await TableAsync(db, "usage_returns"));
    }

    private static async Task<string> TableAsync(NpgsqlDataSource db, string table)
    {
        await using var command = db.CreateCommand($"select string_agg(t::text, E'\\n' order by t::text) from ciro.{table} t");
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The rows of a database holding <paramref name="blocks"/> rolled up once, all hours recomputed.</summary>
    private async Task<string> CleanDumpAsync(IEnumerable<KnownChain.Block> blocks)
    {
        await using var clean = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(clean, blocks);
        var pass = await Reconciler(clean).ReconcileAsync(null, default);
        Assert.Equal(0, pass.FoldedBlocks);
        return await DumpAsync(clean);
    }

    internal static RollupReconciler Reconciler(NpgsqlDataSource db) =>
        new(db, new AnalyticsMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            NullLogger<RollupReconciler>.Instance);

    /// <summary>Every rollup row, every first call, every jobs minute, every on-chain hour row and the ledger, in a stable order, as one string.</summary>
    private static async Task<string> DumpAsync(NpgsqlDataSource db)
    {
        var text = new StringBuilder();
        foreach (var table in new[] { "rollup_gas", "rollup_network", "rollup_jobs", "rollup_workers", "function_callers", "usage_callers", "usage_returns", "rollup_jobs_minute", "rollup_onchain_hour", "rollup_blocks" })
        {
            await using var command = db.CreateCommand($"select t::text from ciro.{table} t order by t::text");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.Append(table).Append(' ').AppendLine(reader.GetString(0));
            }
        }
        return text.ToString();
    }

    /// <summary>ciro.usage_callers as defined, counted from the blocks: per (hour or day, contract, function, sender;
    /// "" for a transaction without one) every call and the distinct transactions, one line per row, sorted.</summary>
    private static string UsageDefinition(IEnumerable<KnownChain.Block> blocks)
    {
        var rows = new Dictionary<(string Bucket, DateTimeOffset Start, string Contract, string Function, string Sender), (long Calls, HashSet<(long, int)> Txs)>();
        foreach (var block in blocks)
        {
            for (var i = 0; i < block.Txs.Length; i++)
            {
                foreach (var call in block.Txs[i].Calls)
                {
                    foreach (var bucket in new[] { Buckets.Hour, Buckets.Day })
                    {
                        var key = (bucket, Buckets.Floor(block.Time, bucket), call.Contract, call.Function, block.Txs[i].Sender);
                        var (calls, txs) = rows.TryGetValue(key, out var row) ? row : (0, new HashSet<(long, int)>());
                        txs.Add((block.Number, i));
                        rows[key] = (calls + 1, txs);
                    }
                }
            }
        }
        Assert.Contains(rows.Keys, k => k.Sender == ""); // the chain has transactions without a sender…
        Assert.Contains(rows.Values, v => v.Calls > v.Txs.Count); // …and multicalls calling one function twice
        return string.Join("\n", rows.Select(r =>
                $"{r.Key.Bucket} {r.Key.Start:O} {Hex(KnownChain.Felt(r.Key.Contract))} {Hex(Ciro.Starknet.Selector.FromName(r.Key.Function).ToBytes())} " +
                $"{(r.Key.Sender == "" ? "" : Hex(KnownChain.Felt(r.Key.Sender)))} {r.Key.Function} calls {r.Value.Calls} txs {r.Value.Txs.Count}")
            .Order(StringComparer.Ordinal));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static async Task<string> UsageRowsAsync(NpgsqlDataSource db)
    {
        var lines = new List<string>();
        await using var command = db.CreateCommand(
            "select bucket, bucket_start, encode(contract, 'hex'), encode(selector, 'hex'), encode(sender, 'hex'), function_name, calls, txs from ciro.usage_callers");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add($"{reader.GetString(0)} {reader.GetFieldValue<DateTimeOffset>(1):O} {reader.GetString(2)} {reader.GetString(3)} {reader.GetString(4)} " +
                $"{(reader.IsDBNull(5) ? "null" : reader.GetString(5))} calls {reader.GetInt64(6)} txs {reader.GetInt64(7)}");
        }
        return string.Join("\n", lines.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Blocks [from, to) from <see cref="Start"/>: 1–5 transactions each over three contracts and seven functions,
    /// multicalls, reverts, fees in WEI and FRI, zero and non-zero gas, and CIRO jobs going through their
    /// lifecycle (submitted, allocated, assigned, completed or failed, paid) across blocks. Blocks are 0–400 s
    /// apart, often in the same second, so stage times and intervals cross block, hour and day boundaries.
    /// The same seed gives the same blocks.
    /// </summary>
    internal static List<KnownChain.Block> Chain(long from, long to, int seed, string salt)
    {
        var random = new Random(seed);
        var time = Start;
        var nextJob = 1 + seed * 1000;
        var open = new List<(int Id, int Stage, string Worker)>();
        var blocks = new List<KnownChain.Block>();
        for (var n = 0L; n < to; n++)
        {
            time = time.AddSeconds(new[] { 0, 0, 1, 2, 5, 30, 400 }[random.Next(7)]);
            var txs = new List<KnownChain.Tx>();
            for (var t = random.Next(1, 6); t > 0; t--)
            {
                txs.Add(RandomTx(random, ref nextJob, open));
            }
            if (n % 5 == 2)
            {
                // An L1 handler (no sender) calling a function senders also call; deterministic, so the random
                // draws (and the job lifecycle they make) stay those of the seed.
                txs.Add(new KnownChain.Tx("", [new KnownChain.Call(KnownChain.Token, "transfer")], 800, 90));
            }
            if (n % 7 == 4)
            {
                // A multicall calling one function twice (2 calls, 1 transaction), sometimes reverted.
                txs.Add(new KnownChain.Tx(Clients[(int)(n % Clients.Length)],
                    [new KnownChain.Call(KnownChain.Token, "transfer"), new KnownChain.Call(KnownChain.Token, "transfer")], 900, 95, Reverted: n % 14 == 4));
            }
            if (n == LateStartBlock)
            {
                txs.Add(new KnownChain.Tx(KnownChain.Operator, [new KnownChain.Call(KnownChain.JobManager, "assign_job_to_worker")], 4000, 70,
                    Events: [new KnownChain.Event(KnownChain.JobManager, "JobAssigned", $$"""{"job_id":"999999","worker":"{{KnownChain.W2}}"}""")]));
            }
            if (n == LateStartBlock + 1)
            {
                time = blocks[^1].Time;
                txs.Add(new KnownChain.Tx(KnownChain.Operator, [new KnownChain.Call(KnownChain.Pool, "allocate_job")], 3000, 60,
                    Events: [new KnownChain.Event(KnownChain.Pool, "JobAllocated", """{"job_id":"999999","worker_id":"0x77"}""")]));
            }
            blocks.Add(new KnownChain.Block(n, time, [.. txs], salt));
        }
        return blocks.Where(b => b.Number >= from).ToList();
    }

    private static KnownChain.Tx RandomTx(Random random, ref int nextJob, List<(int Id, int Stage, string Worker)> open)
    {
        long gas = random.Next(4) == 0 ? 0 : random.Next(1, 2_000_000), fee = random.Next(1, 10_000_000);
        var unit = random.Next(3) == 0 ? "WEI" : "FRI";
        var l1Data = random.Next(2) == 0 ? 0 : random.Next(1, 5000);
        var roll = random.Next(10);
        if (roll < 5 && (open.Count == 0 || roll == 0))
        {
            var id = nextJob++;
            open.Add((id, 0, Workers[random.Next(Workers.Length)]));
            return new KnownChain.Tx(Clients[random.Next(Clients.Length)], [new KnownChain.Call(KnownChain.JobManager, "submit_ai_job")], gas, fee, unit, L1DataGas: l1Data,
                Events: [new KnownChain.Event(KnownChain.JobManager, "JobSubmitted", $$"""{"job_id":"{{id}}","client":"{{KnownChain.Client}}","payment":"100"}""")]);
        }
        if (roll < 8 && open.Count > 0)
        {
            var i = random.Next(open.Count);
            var (id, stage, worker) = open[i];
            open[i] = (id, stage + 1, worker);
            var job = $$"""{"job_id":"{{id}}","worker":"{{worker}}"}""";
            switch (stage)
            {
                case 0:
                    return new KnownChain.Tx(KnownChain.Operator, [new KnownChain.Call(KnownChain.Pool, "allocate_job")], gas, fee, unit,
                        Events: [new KnownChain.Event(KnownChain.Pool, "JobAllocated", $$"""{"job_id":"{{id}}","worker_id":"0x77"}""")]);
                case 1:
                    return new KnownChain.Tx(KnownChain.Operator, [new KnownChain.Call(KnownChain.JobManager, "assign_job_to_worker")], gas, fee, unit,
                        Events: [new KnownChain.Event(KnownChain.JobManager, "JobAssigned", job)]);
                case 2 when random.Next(4) == 0:
                    // A failed result: reverted, no event (the job stays open and may complete later).
                    open[i] = (id, stage, worker);
                    return new KnownChain.Tx(worker, [new KnownChain.Call(KnownChain.JobManager, "submit_job_result")], gas, fee, unit, Reverted: true);
                case 2:
                    return new KnownChain.Tx(worker, [new KnownChain.Call(KnownChain.JobManager, "submit_job_result")], gas, fee, unit, L1DataGas: l1Data,
                        Events: [new KnownChain.Event(KnownChain.JobManager, "JobCompleted", job)]);
                default:
                    open.RemoveAt(i);
                    return new KnownChain.Tx(KnownChain.Operator, [new KnownChain.Call(KnownChain.JobManager, "distribute_rewards")], gas, fee, unit,
                        Events: [new KnownChain.Event(KnownChain.JobManager, "PaymentReleased", $$"""{"job_id":"{{id}}","worker":"{{worker}}","amount":"{{random.Next(1, 1000)}}"}""")]);
            }
        }
        var sender = Clients[random.Next(Clients.Length)];
        return random.Next(3) == 0
            ? new KnownChain.Tx(sender, [new KnownChain.Call(KnownChain.Token, "transfer"), new KnownChain.Call(KnownChain.Pool, "stake")], gas, fee, unit,
                Reverted: random.Next(5) == 0, L1DataGas: l1Data)
            : new KnownChain.Tx(sender, [new KnownChain.Call(KnownChain.Token, "transfer")], gas, fee, unit, Reverted: random.Next(8) == 0);
    }
}
