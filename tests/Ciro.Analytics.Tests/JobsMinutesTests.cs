using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>
/// The live jobs chart reads ciro.rollup_jobs_minute (kept with the rollups) plus the blocks the ledger does not
/// hold yet, counted raw. Both must equal the definition, kept here as its own SQL over the raw tables: per UTC
/// minute, JobSubmitted, JobAllocated, JobAssigned and JobCompleted events (the last two naming a worker), and
/// failed = reverted transactions sent by an account that call submit_job_result. On <see cref="RollupFoldTests"/>'
/// chain (jobs through their lifecycle over about two hours, blocks 0–400 s apart, several in one second).
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class JobsMinutesTests(AnalyticsFixture fixture)
{
    /// <summary>Rows "minute submitted allocated assigned completed failed" of the minutes m with
    /// $1 − $2 min &lt; m ≤ minute of $1 ($1 null: every minute).</summary>
    private const string Reference = """
        select m, count(*) filter (where kind = 'JobSubmitted'), count(*) filter (where kind = 'JobAllocated'),
               count(*) filter (where kind = 'JobAssigned'), count(*) filter (where kind = 'JobCompleted'),
               count(*) filter (where kind = 'failed')
        from (
          select date_trunc('minute', e.block_time, 'UTC') as m, e.name as kind from ciro.events e
          where e.name in ('JobSubmitted', 'JobAllocated') or (e.name in ('JobAssigned', 'JobCompleted') and e.decoded ? 'worker')
          union all
          select date_trunc('minute', t.block_time, 'UTC'), 'failed' from ciro.transactions t
          where t.execution_status = 'REVERTED' and t.sender is not null
            and exists (select 1 from ciro.tx_calls c where c.block_number = t.block_number and c.tx_index = t.tx_index
                        and c.function_name = 'submit_job_result')
        ) x
        where $1::timestamptz is null or (m > $1::timestamptz - make_interval(mins => $2) and m <= date_trunc('minute', $1::timestamptz, 'UTC'))
        group by m order by m
        """;

    private static async Task<string> ReferenceAsync(NpgsqlDataSource db, DateTimeOffset? head = null, int minutes = 0)
    {
        await using var command = db.CreateCommand(Reference);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = (object?)head ?? DBNull.Value });
        command.Parameters.AddWithValue(minutes);
        return await LinesAsync(command);
    }

    private static async Task<string> TableAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand(
            "select minute, submitted, allocated, assigned, completed, failed from ciro.rollup_jobs_minute order by minute");
        return await LinesAsync(command);
    }

    private static async Task<string> LinesAsync(NpgsqlCommand command)
    {
        var text = new StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            text.AppendLine($"{reader.GetFieldValue<DateTimeOffset>(0):O} {reader.GetInt64(1)} {reader.GetInt64(2)} {reader.GetInt64(3)} {reader.GetInt64(4)} {reader.GetInt64(5)}");
        }
        return text.ToString();
    }

    private static async Task<(long AsOfBlock, string Lines)> ApiAsync(HttpClient http, int minutes)
    {
        var url = $"/api/activity/jobs?minutes={minutes}";
        var response = await http.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var text = new StringBuilder();
        foreach (var m in body.GetProperty("buckets").EnumerateArray())
        {
            text.AppendLine($"{m.GetProperty("minute").GetDateTimeOffset().ToUniversalTime():O} {m.GetProperty("submitted")} {m.GetProperty("allocated")} " +
                $"{m.GetProperty("assigned")} {m.GetProperty("completed")} {m.GetProperty("failed")}");
        }
        return (body.GetProperty("asOfBlock").GetInt64(), text.ToString());
    }

    /// <summary>Sums of the five counts over all lines (so a test can tell a count is missing, not only different).</summary>
    private static long[] Totals(string lines) =>
        lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ').Skip(1).Select(long.Parse).ToArray())
            .Aggregate(new long[5], (sum, row) => sum.Zip(row, (a, b) => a + b).ToArray());

    [Fact]
    public async Task The_minutes_table_equals_a_raw_count_after_folding_block_by_block_and_after_a_reorg()
    {
        await using var db = await fixture.NewDatabaseAsync();
        var reconciler = RollupFoldTests.Reconciler(db);
        var chain = RollupFoldTests.Chain(0, 120, seed: 21, salt: "a");
        foreach (var block in chain)
        {
            await KnownChain.InsertAsync(db, [block]);
            await reconciler.ReconcileAsync(block.Number, default);
        }
        var expected = await ReferenceAsync(db);
        // The chain has every kind of count, over many minutes of several hours.
        Assert.All(Totals(expected), total => Assert.True(total > 0, expected));
        var minutes = expected.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(minutes.Select(l => l[..13]).Distinct().Count() >= 2, expected); // "yyyy-MM-ddTHH": at least two hours
        Assert.True(minutes.Length >= 20, $"{minutes.Length} minutes");
        Assert.Equal(expected, await TableAsync(db));

        // A reorg of the last 30 blocks onto another branch (other jobs and times), then more blocks on top of it.
        var branch = RollupFoldTests.Chain(90, 130, seed: 22, salt: "b");
        await KnownChain.RevertAboveAsync(db, 89);
        await KnownChain.InsertAsync(db, branch.Take(25));
        Assert.True((await reconciler.ReconcileAsync(90, default)).RecomputedHours > 0, "the reorged hours are recomputed");
        var afterReorg = await ReferenceAsync(db);
        Assert.NotEqual(expected, afterReorg);
        Assert.Equal(afterReorg, await TableAsync(db));
        foreach (var block in branch.Skip(25))
        {
            await KnownChain.InsertAsync(db, [block]);
            await reconciler.ReconcileAsync(block.Number, default);
        }
        Assert.Equal(await ReferenceAsync(db), await TableAsync(db));
    }

    [Fact]
    public async Task The_chart_adds_blocks_the_ledger_does_not_hold_yet_and_keeps_whole_minutes()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(db, ("Ciro:Analytics:CacheSeconds", "0"));
        using var http = app.CreateClient();
        var reconciler = app.Services.GetRequiredService<Rollups.RollupReconciler>();
        var chain = RollupFoldTests.Chain(0, 100, seed: 31, salt: "a");
        // A block held back below the ledger's newest block: one with a lifecycle count (so missing it shows).
        var late = (int)chain.Skip(45).First(b => b.Txs.Any(t => t.Reverted && t.Calls.Any(c => c.Function == "submit_job_result")
            || (t.Events ?? []).Any(e => e.Name is "JobSubmitted" or "JobAllocated" or "JobAssigned" or "JobCompleted"))).Number;
        Assert.InRange(late, 45, 65);
        // Rolled up: blocks 0–69 except the late one.
        foreach (var batch in chain.Take(70).Where(b => b.Number != late).Chunk(7))
        {
            await KnownChain.InsertAsync(db, batch);
            await reconciler.ReconcileAsync(batch[0].Number, default);
        }
        var rolledUp = Totals(await TableAsync(db));
        // Not rolled up: the late block (below the ledger's newest block) and blocks 70–99 (above it).
        await KnownChain.InsertAsync(db, [chain[late]]);
        await KnownChain.InsertAsync(db, chain.Skip(70));
        Assert.Equal(rolledUp, Totals(await TableAsync(db)));

        var head = chain[^1].Time;
        var all = await ReferenceAsync(db, head, 1440);
        // The unrolled blocks hold counts the table does not: the answer cannot come from the table alone.
        Assert.NotEqual(rolledUp, Totals(all));
        Assert.Equal(await ReferenceAsync(db), all); // the whole chain is within 24 h of its head
        foreach (var minutes in new[] { 1440, 45, 7, 1 })
        {
            var (asOfBlock, lines) = await ApiAsync(http, minutes);
            Assert.Equal(99, asOfBlock);
            Assert.Equal(await ReferenceAsync(db, head, minutes), lines);
        }
        // The shorter windows cut the chain (so the window's start is checked, not only its end).
        Assert.NotEqual(all, await ReferenceAsync(db, head, 45));
        Assert.NotEqual("", await ReferenceAsync(db, head, 1));

        // Rolled up: the same answers, now all from the table.
        await reconciler.ReconcileAsync(null, default);
        Assert.Equal(await ReferenceAsync(db), await TableAsync(db));
        foreach (var minutes in new[] { 1440, 45, 7, 1 })
        {
            Assert.Equal(await ReferenceAsync(db, head, minutes), (await ApiAsync(http, minutes)).Lines);
        }
    }
    [Fact]
    public async Task The_migration_fills_the_table_with_the_ledger_blocks_of_a_database_rolled_up_before_it()
    {
        await using var db = await fixture.NewDatabaseAsync();
        var chain = RollupFoldTests.Chain(0, 90, seed: 41, salt: "a");
        await KnownChain.InsertAsync(db, chain.Take(70));
        await RollupFoldTests.Reconciler(db).ReconcileAsync(null, default);
        // Blocks the ledger does not hold: the chart reads them raw, so the table must not count them.
        await KnownChain.InsertAsync(db, chain.Skip(70));
        var rolledUp = await TableAsync(db);
        Assert.NotEqual(await ReferenceAsync(db), rolledUp);

        // As if the table had just been created on this database: migration 108's backfill, run again.
        await using (var empty = db.CreateCommand("delete from ciro.rollup_jobs_minute"))
        {
            await empty.ExecuteNonQueryAsync();
        }
        await using var resource = typeof(Ciro.Storage.SchemaMigrator).Assembly.GetManifestResourceStream("Ciro.Storage.Migrations.108_jobs_minutes.sql")!;
        await using (var migration = db.CreateCommand(await new StreamReader(resource).ReadToEndAsync()))
        {
            await migration.ExecuteNonQueryAsync();
        }
        Assert.Equal(rolledUp, await TableAsync(db));
    }
}
