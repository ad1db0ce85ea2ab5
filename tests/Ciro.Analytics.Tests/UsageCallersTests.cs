using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ciro.Analytics.Rollups;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>
/// The usage KPI reads ciro.usage_callers (calls and transactions per hour or day, function and sender) and
/// ciro.function_callers (first call per contract, function and sender), both kept with the rollups. Its answers must
/// equal the definition over the hours overlapping the range — calls, transactions, distinct senders, and "new = no
/// call of that function by that sender before the bucket start (or the range's first hour)" — which this test keeps
/// as SQL over the raw calls (a correlated NOT EXISTS over every earlier call), on a chain of 6 hours with repeat
/// callers, multicalls, reverted calls and transactions without a sender: after the rollups, with blocks not yet
/// rolled up (not counted), after a reorg that removes some callers' first calls, and after a reindex of the last hours.
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class UsageCallersTests(AnalyticsFixture fixture)
{
    private static readonly string[] Senders = ["0xc1", "0xc2", "0xc3", "0xc4", "0xc5", "0xc6", "0xc7", "0xc8", "0xc9", "0xca", "0xcb", "0xcc"];
    private static readonly (string Contract, string Function)[] Functions =
        [(KnownChain.JobManager, "submit_ai_job"), (KnownChain.JobManager, "submit_job_result"), (KnownChain.Token, "transfer")];

    /// <summary>$1 = the range's first hour, $2 = its end rounded up to the hour, $3 = the range start (the bucket start of bucket=range).</summary>
    private const string Reference = """
        with calls as (
          select {bucket} as b, c.contract, c.selector, max(c.function_name) as fn, t.sender, count(*) as n, count(distinct (c.block_number, c.tx_index)) as txs
          from ciro.tx_calls c
          join ciro.transactions t on t.block_number = c.block_number and t.tx_index = c.tx_index and t.block_time = c.block_time
          where c.block_time >= $1 and c.block_time < $2 and t.block_time >= $1 and t.block_time < $2
          group by 1, c.contract, c.selector, t.sender)
        select b, ciro.felt_hex(contract), coalesce(max(fn), ciro.felt_hex(selector)), ciro.felt_hex(selector), sum(n)::bigint, sum(txs)::bigint,
               count(sender),
               count(sender) filter (where not exists (
                 select 1 from ciro.tx_calls c2
                 join ciro.transactions t2 on t2.block_number = c2.block_number and t2.tx_index = c2.tx_index and t2.block_time = c2.block_time
                 where c2.contract = calls.contract and c2.selector = calls.selector and t2.sender = calls.sender
                   and c2.block_time < {since} and t2.block_time < {since}))
        from calls group by b, contract, selector
        order by 1, 5 desc, 2, 4
        """;

    /// <summary>Blocks <paramref name="from"/>..<paramref name="to"/>, 3 minutes apart from T0 − 1 h (from 120: from the next
    /// midnight); each has 1-4
    /// transactions from a sender drawn from a growing pool (so callers keep appearing), some multicalls, some reverted.</summary>
    private static List<KnownChain.Block> Chain(int from, int to, int seed, string salt)
    {
        var random = new Random(seed);
        var blocks = new List<KnownChain.Block>();
        for (var n = from; n <= to; n++)
        {
            var pool = Math.Min(Senders.Length, 2 + n / 12);
            var txs = Enumerable.Range(0, 1 + random.Next(4)).Select(_ =>
            {
                var calls = Enumerable.Range(0, random.Next(5) == 0 ? 2 : 1)
                    .Select(_ => Functions[random.Next(Functions.Length)]).Select(f => new KnownChain.Call(f.Contract, f.Function)).ToArray();
                return new KnownChain.Tx(Senders[random.Next(pool)], calls, 1000, 100, Reverted: random.Next(10) == 0);
            }).ToArray();
            if (n % 4 == 1)
            {
                // An L1 handler (no sender): counted in calls and transactions, never as a caller. Added without a
                // random draw, so the seed's senders stay the same.
                txs = [.. txs, new KnownChain.Tx("", [new KnownChain.Call(KnownChain.Token, "transfer")], 1000, 100)];
            }
            // Blocks from 120 on are the next day (from 00:00), so ranges mix day rows with hour rows.
            var time = n < 120 ? KnownChain.T0.AddHours(-1).AddMinutes(3 * n) : KnownChain.T0.AddHours(14).AddMinutes(3 * (n - 120));
            blocks.Add(new KnownChain.Block(n, time, txs, salt));
        }
        return blocks;
    }

    private static readonly (string From, string To)[] Ranges =
    [
        ("2026-03-02T09:00:00Z", "2026-03-02T15:00:00Z"),
        ("2026-03-02T10:30:00Z", "2026-03-02T13:00:00Z"),
        ("2026-03-02T12:00:00Z", "2026-03-02T15:00:00Z"),
        // A whole day (day rows unless hourly) and the next day's first hours (hour rows), starting mid-hour.
        ("2026-03-01T23:20:00Z", "2026-03-03T01:00:00Z"),
    ];

    private static async Task<string> ApiAsync(HttpClient http) => await ApiAsync(http, Ranges);

    private static async Task<string> ApiAsync(HttpClient http, (string From, string To)[] ranges)
    {
        var text = new StringBuilder();
        foreach (var (from, to) in ranges)
        {
            foreach (var bucket in new[] { "hour", "day", "week", "range" })
            {
                // Without a bucket the endpoint answers one row per function over the whole range.
                var url = $"/api/kpi/usage?from={from}&to={to}&pageSize=1000" + (bucket == "range" ? "" : $"&bucket={bucket}");
                var response = await http.GetAsync(url);
                Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                var page = await response.Content.ReadFromJsonAsync<JsonElement>();
                foreach (var r in page.GetProperty("items").EnumerateArray())
                {
                    text.AppendLine($"{from} {bucket} {r.GetProperty("bucketStart").GetDateTimeOffset():O} {r.GetProperty("contract").GetString()} {r.GetProperty("function").GetString()} " +
                        $"calls {r.GetProperty("calls")} txs {r.GetProperty("transactions")} unique {r.GetProperty("uniqueCallers")} new {r.GetProperty("newCallers")} returning {r.GetProperty("returningCallers")}");
                }
            }
        }
        return text.ToString();
    }

    private static async Task<string> ReferenceAsync(NpgsqlDataSource db) => await ReferenceAsync(db, Ranges);

    private static async Task<string> ReferenceAsync(NpgsqlDataSource db, (string From, string To)[] ranges)
    {
        var text = new StringBuilder();
        foreach (var (from, to) in ranges)
        {
            foreach (var bucket in new[] { "hour", "day", "week", "range" })
            {
                var sql = Reference.Replace("{bucket}", bucket == "range" ? "$3::timestamptz" : $"date_trunc('{bucket}', c.block_time, 'UTC')")
                    .Replace("{since}", bucket == "range" ? "$1" : "greatest(calls.b, $1)");
                var start = DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture);
                await using var command = db.CreateCommand(sql);
                command.Parameters.AddWithValue(Buckets.Floor(start, Buckets.Hour));
                // The API covers the whole hours the range overlaps: to its end rounded up to the hour.
                command.Parameters.AddWithValue(Buckets.Ceiling(DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture), Buckets.Hour));
                command.Parameters.AddWithValue(start);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    var (unique, fresh) = (reader.GetInt64(6), reader.GetInt64(7));
                    text.AppendLine($"{from} {bucket} {reader.GetFieldValue<DateTimeOffset>(0):O} {reader.GetString(1)} {reader.GetString(2)} " +
                        $"calls {reader.GetInt64(4)} txs {reader.GetInt64(5)} unique {unique} new {fresh} returning {unique - fresh}");
                }
            }
        }
        return text.ToString();
    }

    [Fact]
    public async Task New_and_returning_callers_equal_the_definition_after_rollups_unrolled_blocks_a_reorg_and_a_reindex()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(db, ("Ciro:Analytics:CacheSeconds", "0"));
        using var http = app.CreateClient();
        var reconciler = app.Services.GetRequiredService<RollupReconciler>();
        var chain = Chain(0, 129, seed: 5, salt: "a"); // 6 hours, then half an hour the next day

        // Rolled up: everything comes from the rollup tables.
        await KnownChain.InsertAsync(db, chain.Take(100));
        await reconciler.ReconcileAsync(null, default);
        var expected = await ReferenceAsync(db);
        Assert.Contains("new 0 returning", expected); // the chain has buckets where every caller returns…
        Assert.Matches(@"new [1-9]\d* returning [1-9]", expected); // …and buckets mixing both
        Assert.Equal(expected, await ApiAsync(http));

        // Blocks the rollups have not reached yet are not counted (the answer is the rolled-up blocks'), until rolled up.
        await KnownChain.InsertAsync(db, chain.Skip(100));
        Assert.NotEqual(expected, await ReferenceAsync(db));
        Assert.Equal(expected, await ApiAsync(http));
        await reconciler.ReconcileAsync(null, default);
        Assert.Equal(await ReferenceAsync(db), await ApiAsync(http));

        // A reorg of the last 30 blocks (1.5 h) onto another branch with other callers: first calls move or vanish.
        await KnownChain.RevertAboveAsync(db, 89);
        await KnownChain.InsertAsync(db, Chain(90, 119, seed: 6, salt: "b"));
        await reconciler.ReconcileAsync(89, default);
        var afterReorg = await ReferenceAsync(db);
        Assert.NotEqual(expected, afterReorg);
        Assert.Equal(afterReorg, await ApiAsync(http));

        // A reindex from block 60 that brings back fewer blocks: hours emptied at the end.
        await KnownChain.RevertAboveAsync(db, 59);
        await KnownChain.InsertAsync(db, Chain(60, 79, seed: 7, salt: "c"));
        await reconciler.ReconcileAsync(59, default);
        Assert.Equal(await ReferenceAsync(db), await ApiAsync(http));

        // The table equals one built from scratch over the final chain.
        await using var clean = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(clean, chain.Take(60).Concat(Chain(60, 79, seed: 7, salt: "c")));
        await new RollupReconciler(clean, app.Services.GetRequiredService<Notifications.AnalyticsMetrics>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<RollupReconciler>.Instance).ReconcileAsync(null, default);
        Assert.Equal(await CallersAsync(clean), await CallersAsync(db));
    }

    /// <summary>Blocks <paramref name="from"/>..<paramref name="to"/>, 47 minutes apart from Friday 2026-02-27 05:00 UTC
    /// (6 days, across a week start): 1-3 transactions each from 40 senders drawn with a skew (low numbers call most
    /// days, high numbers some days), so callers come back after gaps of one or more days — what ciro.usage_returns
    /// counts by. Every 4th block has a transaction without a sender, every 5th a multicall calling one function twice.</summary>
    private static List<KnownChain.Block> Days(int from, int to, int seed, string salt)
    {
        var random = new Random(seed);
        var blocks = new List<KnownChain.Block>();
        for (var n = from; n <= to; n++)
        {
            var txs = Enumerable.Range(0, 1 + random.Next(3)).Select(_ =>
            {
                var f = Functions[random.Next(Functions.Length)];
                var calls = n % 5 == 0 ? new[] { new KnownChain.Call(f.Contract, f.Function), new KnownChain.Call(f.Contract, f.Function) } : [new KnownChain.Call(f.Contract, f.Function)];
                return new KnownChain.Tx($"0xd{random.Next(1 + random.Next(40)):x2}", calls, 1000, 100);
            }).ToList();
            if (n % 4 == 1)
            {
                txs.Add(new KnownChain.Tx("", [new KnownChain.Call(KnownChain.Token, "transfer")], 1000, 100));
            }
            blocks.Add(new KnownChain.Block(n, DayChainStart.AddMinutes(47 * n), [.. txs], salt));
        }
        return blocks;
    }

    private static readonly DateTimeOffset DayChainStart = new(2026, 2, 27, 5, 0, 0, TimeSpan.Zero);

    /// <summary>Ranges over whole days with edge hours at both ends (mid-hour), across the week start (Monday 2 March),
    /// whole days alone, and the whole chain.</summary>
    private static readonly (string From, string To)[] DayRanges =
    [
        ("2026-02-27T13:20:00Z", "2026-03-04T09:40:00Z"),
        ("2026-02-28T00:00:00Z", "2026-03-03T00:00:00Z"),
        ("2026-03-01T22:00:00Z", "2026-03-04T01:30:00Z"),
        ("2026-02-27T05:00:00Z", "2026-03-05T06:00:00Z"),
    ];

    [Fact]
    public async Task Callers_over_days_equal_the_definition_through_late_blocks_and_a_reorg_and_their_day_counts_equal_a_recount()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(db, ("Ciro:Analytics:CacheSeconds", "0"));
        using var http = app.CreateClient();
        var reconciler = app.Services.GetRequiredService<RollupReconciler>();
        var chain = Days(0, 180, seed: 21, salt: "a");
        // Two blocks held back: the last of Friday 27 February (23:48; it arrives when later days are rolled up, and its
        // hour already holds block 23, so it is folded into its day, not re-merged), and one inside Sunday (its day is
        // re-merged: the next block's interval changes, so that hour is recomputed).
        var lastOfFriday = chain.Last(b => b.Time < new DateTimeOffset(2026, 2, 28, 0, 0, 0, TimeSpan.Zero)).Number;
        Assert.Equal(Buckets.Floor(chain[(int)lastOfFriday - 1].Time, Buckets.Hour), Buckets.Floor(chain[(int)lastOfFriday].Time, Buckets.Hour));
        var insideSunday = chain.First(b => b.Time >= new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero)).Number;
        // A caller of Friday's late block and of Tuesday only: when the late block is folded, Tuesday's previous day
        // for it moves from none to Friday, and nothing else recounts Tuesday (Saturday is re-merged, not Tuesday).
        var firstOfTuesday = chain.First(b => b.Time >= new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero)).Number;
        foreach (var n in new[] { lastOfFriday, firstOfTuesday })
        {
            chain[(int)n] = chain[(int)n] with { Txs = [.. chain[(int)n].Txs, new KnownChain.Tx("0xdee", [new KnownChain.Call(KnownChain.Token, "transfer")], 1000, 100)] };
        }
        var random = new Random(4);
        var arriving = chain.Where(b => b.Number != lastOfFriday && b.Number != insideSunday).ToList();
        for (var i = 0; i < arriving.Count;)
        {
            var batch = arriving.Skip(i).Take(random.Next(1, 5)).ToList();
            i += batch.Count;
            await KnownChain.InsertAsync(db, batch);
            await reconciler.ReconcileAsync(batch[0].Number, default);
        }
        var expected = await ReferenceAsync(db, DayRanges);
        Assert.Matches(@"new [1-9]\d* returning [1-9]", expected);
        Assert.Equal(expected, await ApiAsync(http, DayRanges));

        foreach (var late in new[] { lastOfFriday, insideSunday })
        {
            await KnownChain.InsertAsync(db, [chain[(int)late]]);
            await reconciler.ReconcileAsync(late, default);
            var now = await ReferenceAsync(db, DayRanges);
            Assert.NotEqual(expected, now);
            Assert.Equal(now, await ApiAsync(http, DayRanges));
            expected = now;
        }
        Assert.Equal(await ReturnsRecountAsync(db), await ReturnsAsync(db));

        // A reorg of the last 40 blocks (a day and a half) onto a branch with other callers.
        await KnownChain.RevertAboveAsync(db, 140);
        var branch = Days(141, 175, seed: 22, salt: "b");
        await KnownChain.InsertAsync(db, branch);
        await reconciler.ReconcileAsync(141, default);
        var afterReorg = await ReferenceAsync(db, DayRanges);
        Assert.NotEqual(expected, afterReorg);
        Assert.Equal(afterReorg, await ApiAsync(http, DayRanges));

        // The day counts equal those of a database rolled up once from scratch over the final chain, and a recount
        // from its usage rows (the migration's SQL).
        await using var clean = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(clean, chain.Take(141).Concat(branch));
        await RollupFoldTests.Reconciler(clean).ReconcileAsync(null, default);
        Assert.Equal(await ReturnsAsync(clean), await ReturnsAsync(db));
        Assert.Equal(await ReturnsRecountAsync(db), await ReturnsAsync(db));
        Assert.Contains("prev_day -infinity", await ReturnsAsync(db));
        Assert.Matches(@"day 2026-03-0[2-5]T00:00:00\.0000000\+00:00 \w+ \w+ prev_day 2026-02-2[78]", await ReturnsAsync(db)); // gaps of days
    }

    private static async Task<string> ReturnsAsync(NpgsqlDataSource db) => await LinesAsync(db, "select * from ciro.usage_returns");

    /// <summary>ciro.usage_returns as migration 112 fills it from ciro.usage_callers (lag over each sender's days).</summary>
    private static async Task<string> ReturnsRecountAsync(NpgsqlDataSource db) => await LinesAsync(db, """
        select day, contract, selector, coalesce(prev_day, '-infinity') as prev_day, count(*) filter (where sender <> '\x'::bytea) as callers,
               sum(calls)::bigint as calls, sum(txs)::bigint as txs, max(function_name) as function_name
        from (select bucket_start as day, contract, selector, sender, calls, txs, function_name,
                     lag(bucket_start) over (partition by contract, selector, sender order by bucket_start) as prev_day
              from ciro.usage_callers where bucket = 'day') d
        group by day, contract, selector, coalesce(prev_day, '-infinity')
        """);

    private static async Task<string> LinesAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand($"""
            select 'day ' || to_char(day at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS".0000000+00:00"') || ' ' || encode(contract, 'hex') || ' ' || encode(selector, 'hex')
                   || ' prev_day ' || case when prev_day = '-infinity' then '-infinity' else to_char(prev_day at time zone 'UTC', 'YYYY-MM-DD') end
                   || ' callers ' || callers || ' calls ' || calls || ' txs ' || txs || ' ' || coalesce(function_name, 'null')
            from ({sql}) r order by 1
            """);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return string.Join("\n", lines);
    }

    private static async Task<string> CallersAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("select string_agg(t::text, E'\\n' order by t::text) from ciro.function_callers t");
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
