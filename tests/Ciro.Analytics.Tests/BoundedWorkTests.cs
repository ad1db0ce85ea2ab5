using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Analytics.Notifications;
using Ciro.Analytics.Rollups;
using Ciro.Auth;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>Bounded work per request (issue 15): identical concurrent queries run once; a caller over its rate gets 429.</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class BoundedWorkTests(AnalyticsFixture fixture)
{
    private const string NetworkUrl = "/api/kpi/network?from=2026-03-02T10:00:00Z&to=2026-03-02T11:00:00Z&bucket=hour";

    [Fact]
    public async Task Twenty_identical_concurrent_requests_run_one_database_query()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(db, KnownChain.Standard().Blocks);
        // The Redis cache off (other tests' answers to the same URL may be stored): coalescing alone is measured.
        await using var app = fixture.App(db, ("Ciro:Analytics:CacheSeconds", "0"));
        var http = app.CreateClient();
        await app.Services.GetRequiredService<RollupReconciler>().ReconcileAsync(null, default);
        var coalesced = 0L;
        using var listener = CountOf(app.Services.GetRequiredService<AnalyticsMetrics>().QueriesCoalesced, n => Interlocked.Add(ref coalesced, n));

        // Hold the rollup table the network query reads: every query that reaches the database waits on the lock,
        // so all 20 requests are in flight at once, and pg_stat_activity shows how many queries they started.
        await using var locker = await db.OpenConnectionAsync();
        await using var hold = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("lock table ciro.rollup_network in access exclusive mode", locker, hold))
        {
            await lockTable.ExecuteNonQueryAsync();
        }
        var requests = Enumerable.Range(0, 20).Select(_ => http.GetAsync(NetworkUrl)).ToList();
        for (var i = 0; i < 1200 && Interlocked.Read(ref coalesced) < 19; i++)
        {
            await Task.Delay(100);
        }
        var waiting = await WaitingQueriesAsync(db);
        await hold.RollbackAsync();
        var responses = await Task.WhenAll(requests);

        Assert.Equal(19, Interlocked.Read(ref coalesced));
        Assert.Equal(1, waiting);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Equal(4, JsonDocument.Parse(bodies[0]).RootElement.GetProperty("items")[0].GetProperty("blocks").GetInt64());
    }

    [Fact]
    public async Task A_different_request_or_role_is_not_shared()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(db, KnownChain.Standard().Blocks);
        const string viewerKey = "viewer-key-0123456789", operatorKey = "operator-key-0123456789";
        await using var app = fixture.App(db, ("Ciro:Analytics:CacheSeconds", "0"),
            ("Ciro:Auth:ServiceKeys:v:Key", viewerKey), ("Ciro:Auth:ServiceKeys:v:Role", Roles.Viewer),
            ("Ciro:Auth:ServiceKeys:o:Key", operatorKey), ("Ciro:Auth:ServiceKeys:o:Role", Roles.Operator));
        var http = app.CreateClient();
        await app.Services.GetRequiredService<RollupReconciler>().ReconcileAsync(null, default);
        var coalesced = 0L;
        using var listener = CountOf(app.Services.GetRequiredService<AnalyticsMetrics>().QueriesCoalesced, n => Interlocked.Add(ref coalesced, n));

        await using var locker = await db.OpenConnectionAsync();
        await using var hold = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("lock table ciro.rollup_network in access exclusive mode", locker, hold))
        {
            await lockTable.ExecuteNonQueryAsync();
        }
        HttpRequestMessage Get(string url, string key) => new(HttpMethod.Get, url) { Headers = { { "X-Api-Key", key } } };
        // Two roles × two ranges, three requests each: four queries, eight requests joined.
        var requests = new List<Task<HttpResponseMessage>>();
        foreach (var key in new[] { viewerKey, operatorKey })
        {
            foreach (var url in new[] { NetworkUrl, NetworkUrl.Replace("T11:00", "T12:00", StringComparison.Ordinal) })
            {
                requests.AddRange(Enumerable.Range(0, 3).Select(_ => http.SendAsync(Get(url, key))));
            }
        }
        for (var i = 0; i < 1200 && Interlocked.Read(ref coalesced) < 8; i++)
        {
            await Task.Delay(100);
        }
        var waiting = await WaitingQueriesAsync(db);
        await hold.RollbackAsync();
        var responses = await Task.WhenAll(requests);

        Assert.Equal(8, Interlocked.Read(ref coalesced));
        Assert.Equal(4, waiting);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task The_request_after_the_limit_gets_429_with_retry_after_and_other_callers_are_not_limited()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(db, KnownChain.Standard().Blocks);
        const string keyA = "caller-a-key-0123456789", keyB = "caller-b-key-0123456789", webKey = "web-service-key-0123456789";
        // A window of an hour: the fifth and sixth requests cannot fall into different windows on a slow machine.
        await using var app = fixture.App(db, ("Ciro:Analytics:RateLimitRequests", "5"), ("Ciro:Analytics:RateLimitWindowSeconds", "3600"),
            ("Ciro:Auth:ServiceKeys:a:Key", keyA), ("Ciro:Auth:ServiceKeys:a:Role", Roles.Viewer),
            ("Ciro:Auth:ServiceKeys:b:Key", keyB), ("Ciro:Auth:ServiceKeys:b:Role", Roles.Viewer),
            ("Ciro:Auth:ServiceKeys:web:Key", webKey), ("Ciro:Auth:ServiceKeys:web:Role", Roles.Viewer));
        var http = app.CreateClient();
        async Task<HttpResponseMessage> Get(string key, string? user = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/blocks/latest") { Headers = { { "X-Api-Key", key } } };
            if (user is not null)
            {
                request.Headers.Add("X-Ciro-User", user);
            }
            return await http.SendAsync(request);
        }

        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Get(keyA)).StatusCode);
        }
        var refused = await Get(keyA);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var seconds = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 3600);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("RateLimitRequests", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Another key has its own window; the dashboard's service key counts per signed-in user.
        Assert.Equal(HttpStatusCode.OK, (await Get(keyB)).StatusCode);
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Get(webKey, "alice")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Get(webKey, "alice")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get(webKey, "bob")).StatusCode);
        // The header names a user only from a service key: an issued key cannot escape its window with it.
        var issued = (await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync("mallory", Roles.Viewer, default)).Key;
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Get(issued, "user-" + i)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Get(issued, "user-6")).StatusCode);
    }

    [Fact]
    public async Task The_alerts_service_key_is_not_limited_at_a_rate_that_limits_a_user()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(db, KnownChain.Standard().Blocks);
        const string alertsKey = "alerts-service-key-0123456789", webKey = "web-service-key-0123456789", bootstrap = "bootstrap-admin-key-0123456789";
        await using var app = fixture.App(db, ("Ciro:Analytics:RateLimitRequests", "5"), ("Ciro:Analytics:RateLimitWindowSeconds", "3600"),
            ("Ciro:Analytics:RateLimitExemptServiceKeys:0", "alerts"), ("Ciro:Auth:BootstrapAdminKey", bootstrap),
            ("Ciro:Auth:ServiceKeys:alerts:Key", alertsKey), ("Ciro:Auth:ServiceKeys:alerts:Role", Roles.Viewer),
            ("Ciro:Auth:ServiceKeys:web:Key", webKey), ("Ciro:Auth:ServiceKeys:web:Role", Roles.Viewer));
        var http = app.CreateClient();
        async Task<HttpStatusCode> Get(string key, string? user = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/blocks/latest") { Headers = { { "X-Api-Key", key } } };
            if (user is not null)
            {
                request.Headers.Add("X-Ciro-User", user);
            }
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        // A signed-in user through the dashboard's key is refused at the sixth request of the window …
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Get(webKey, "alice"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await Get(webKey, "alice"));
        // … while the alerts service, calling for itself, makes four times as many and is never refused.
        for (var i = 1; i <= 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Get(alertsKey));
        }
        // The exempt key naming a user counts for that user like any other service key.
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Get(alertsKey, "carol"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await Get(alertsKey, "carol"));
        // A stored key cannot be named like a service key (and so pass for the exempt one).
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/admin/keys")
        {
            Headers = { { "X-Api-Key", bootstrap } },
            Content = JsonContent.Create(new { name = "service:alerts", role = Roles.Viewer }),
        };
        using var refused = await http.SendAsync(create);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("service:alerts", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exempt_service_key_that_is_not_configured_stops_the_start()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(db, ("Ciro:Analytics:RateLimitExemptServiceKeys:0", "alertz"),
            ("Ciro:Auth:ServiceKeys:alerts:Key", "alerts-service-key-0123456789"), ("Ciro:Auth:ServiceKeys:alerts:Role", Roles.Viewer));
        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("Ciro:Analytics:RateLimitExemptServiceKeys = 'alertz' is not a service key of Ciro:Auth:ServiceKeys (configured: alerts)",
            error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/kpi/network?from=2026-03-02T10:00:00Z&to=2026-03-02T12:00:00Z&bucket=raw", null, 7)]
    [InlineData("/api/kpi/timing/jobs?from=2026-03-01T00:00:00Z&to=2026-03-04T00:00:00Z&bucket=raw", null, 2)]
    [InlineData("/api/kpi/workers?from=2026-03-01T00:00:00Z&to=2026-03-04T00:00:00Z&bucket=raw", KnownChain.W1, 1)]
    public async Task Raw_pages_from_sql_are_the_slices_of_the_whole_answer(string url, string? worker, int rows)
    {
        await using var db = await fixture.NewDatabaseAsync();
        var chain = KnownChain.Standard();
        // Job 1 submitted again (a job is listed once, at its first submission in the range) and job 3 submitted
        // twice in one transaction (the same time: the event position decides which is first).
        const string submitted = "JobSubmitted";
        chain.Blocks.Add(new KnownChain.Block(7, KnownChain.T0.AddHours(1).AddMinutes(40), [
            new KnownChain.Tx(KnownChain.Client, [new(KnownChain.JobManager, "submit_ai_job")], 1000, 100, Events: [
                new(KnownChain.JobManager, submitted, $$"""{"job_id":"1","client":"{{KnownChain.Client}}","payment":"100"}"""),
                new(KnownChain.JobManager, submitted, $$"""{"job_id":"3","client":"{{KnownChain.Client}}","payment":"7"}"""),
                new(KnownChain.JobManager, submitted, $$"""{"job_id":"3","client":"{{KnownChain.Client}}","payment":"7"}"""),
            ]),
        ]));
        await KnownChain.InsertAsync(db, chain.Blocks);
        await using var app = fixture.App(db, ("Ciro:Analytics:CacheSeconds", "0"));
        var http = app.CreateClient();
        url += worker is null ? "" : "&worker=" + worker;
        var whole = JsonDocument.Parse(await http.GetStringAsync(url + "&pageSize=1000")).RootElement;
        var all = whole.GetProperty("items").EnumerateArray().Select(e => e.GetRawText()).ToList();
        Assert.Equal(all.Count, whole.GetProperty("totalCount").GetInt64());
        Assert.Equal(rows, all.Count);
        if (worker is not null)
        {
            // The worker filter keeps exactly the jobs assigned to that worker (the unfiltered answer, filtered here).
            var unfiltered = JsonDocument.Parse(await http.GetStringAsync(url.Replace("&worker=" + worker, "", StringComparison.Ordinal) + "&pageSize=1000"))
                .RootElement.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("worker").GetString() == worker).Select(e => e.GetRawText()).ToList();
            Assert.Equal(unfiltered, all);
        }
        Assert.True(all.Count >= 1, $"{url}: no rows to page through");
        var paged = new List<string>();
        for (var page = 1; page <= all.Count + 1; page++)
        {
            var answer = JsonDocument.Parse(await http.GetStringAsync($"{url}&pageSize=1&page={page}")).RootElement;
            Assert.Equal(all.Count, answer.GetProperty("totalCount").GetInt64());
            paged.AddRange(answer.GetProperty("items").EnumerateArray().Select(e => e.GetRawText()));
        }
        Assert.Equal(all, paged);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("transfer")]
    public async Task Raw_gas_pages_from_sql_are_the_slices_of_the_definition(string? function)
    {
        await using var db = await fixture.NewDatabaseAsync();
        var chain = KnownChain.Standard();
        // A multicall calling transfer twice (one row for it), a block at the same second as block 6 (order by
        // block number within a time) and two transactions of one block calling the same function.
        chain.Blocks.Add(new KnownChain.Block(7, KnownChain.T0.AddHours(1).AddSeconds(10), [
            new KnownChain.Tx(KnownChain.C2, [new(KnownChain.Token, "transfer"), new(KnownChain.JobManager, "submit_job_result"), new(KnownChain.Token, "transfer")], 9000, 900),
            new KnownChain.Tx(KnownChain.W2, [new(KnownChain.Token, "transfer")], 2000, 300, "WEI"),
        ]));
        await KnownChain.InsertAsync(db, chain.Blocks);
        await using var app = fixture.App(db, ("Ciro:Analytics:CacheSeconds", "0"));
        // Whether the relay's start-up pass has rolled the hours up yet or not, the answer is the definition.
        var expected = await AssertRawGasIsTheDefinitionAsync(db, app.CreateClient(), "2026-03-02T09:00:00Z", "2026-03-02T12:00:00Z", function);
        Assert.Equal(function is null ? 16 : 5, expected);
    }

    /// <summary>
    /// The raw gas total takes the range's whole hours from the hourly gas rollups only when their rows were computed
    /// from exactly the blocks stored now, and counts the rest raw: the partial hours at either end (hour 14's rollup
    /// holds a block after the range end), an hour with a block the reconciler has not seen, one with a replaced block
    /// (new hash, other calls) and one with a vanished block. Range 09:30–14:30; rows per hour, all (transfer):
    /// 09 edge: block 0 → 1 (0). 10 rolled up: blocks 1–4 → 8 (2). 11, block 6 replaced by a multicall of transfer
    /// twice and stake: block 5 → 3 (1), block 6' → 2 (1). 12, block 8 not rolled up: blocks 7, 8 → 2 (2).
    /// 13, block 10 gone: block 9 → 3 (2). 14 edge: block 11 → 1 (1), block 12 at 14:50 out of range.
    /// Total 20 (9). Then a rollup row of hour 10 is inflated by 1,000 (the total follows: whole clean hours are read
    /// from the rollups) and one of hour 11 (the total does not: that hour is counted raw).
    /// </summary>
    [Theory]
    [InlineData(null, 20)]
    [InlineData("transfer", 9)]
    public async Task Raw_gas_total_reads_only_clean_whole_hours_from_the_rollups(string? function, int count)
    {
        await using var db = await fixture.NewDatabaseAsync();
        var chain = KnownChain.Standard();
        KnownChain.Tx Calls(string sender, params string[] functions) =>
            new(sender, [.. functions.Select(f => new KnownChain.Call(f == "stake" ? KnownChain.Pool : KnownChain.Token, f))], 1000, 100);
        var t12 = KnownChain.T0.AddHours(2);
        chain.Blocks.Add(new KnownChain.Block(7, t12.AddMinutes(10), [Calls(KnownChain.C2, "transfer")]));
        var late = new KnownChain.Block(8, t12.AddMinutes(40), [Calls(KnownChain.W1, "transfer")]);
        chain.Blocks.Add(new KnownChain.Block(9, t12.AddHours(1).AddMinutes(5), [Calls(KnownChain.W1, "transfer"), Calls(KnownChain.C2, "transfer", "approve")]));
        chain.Blocks.Add(new KnownChain.Block(10, t12.AddHours(1).AddMinutes(20), [Calls(KnownChain.C2, "transfer", "approve")]));
        chain.Blocks.Add(new KnownChain.Block(11, t12.AddHours(2).AddMinutes(10), [Calls(KnownChain.C2, "transfer")]));
        chain.Blocks.Add(new KnownChain.Block(12, t12.AddHours(2).AddMinutes(50), [Calls(KnownChain.C2, "transfer"), Calls(KnownChain.W1, "approve")]));
        await KnownChain.InsertAsync(db, chain.Blocks);
        // No relay: its start-up pass would reconcile the changes below, which must stay unreconciled.
        await using var app = fixture.App(db, ("Ciro:Analytics:CacheSeconds", "0")).WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.Remove(s.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ChainNotificationRelay)))));
        await app.Services.GetRequiredService<RollupReconciler>().ReconcileAsync(null, default);

        await KnownChain.InsertAsync(db, [late]);
        var block6 = chain.Blocks.Single(b => b.Number == 6);
        await DeleteBlockAsync(db, 6);
        await KnownChain.InsertAsync(db, [new KnownChain.Block(6, block6.Time, [Calls(KnownChain.W2, "transfer", "transfer", "stake")], HashSalt: "b")]);
        await DeleteBlockAsync(db, 10);

        var http = app.CreateClient();
        const string from = "2026-03-02T09:30:00Z", to = "2026-03-02T14:30:00Z";
        Assert.Equal(count, await AssertRawGasIsTheDefinitionAsync(db, http, from, to, function));

        async Task<long> TotalAfterInflatingAsync(DateTimeOffset hour)
        {
            await using (var inflate = db.CreateCommand("""
                update ciro.rollup_gas set tx_count = tx_count + 1000
                where bucket = 'hour' and bucket_start = $1 and function_name = 'transfer' and not multicall
                """))
            {
                inflate.Parameters.AddWithValue(hour);
                Assert.Equal(1, await inflate.ExecuteNonQueryAsync());
            }
            var url = $"/api/kpi/gas?from={from}&to={to}&bucket=raw&pageSize=1" + (function is null ? "" : "&function=" + function);
            return JsonDocument.Parse(await http.GetStringAsync(url)).RootElement.GetProperty("totalCount").GetInt64();
        }
        Assert.Equal(count + 1000, await TotalAfterInflatingAsync(KnownChain.T0));
        Assert.Equal(count + 1000, await TotalAfterInflatingAsync(KnownChain.T0.AddHours(1)));
    }

    /// <summary>Asserts that the raw gas answer over [from, to) is the plain definition (every distinct (transaction,
    /// contract, function) of the range, newest first), whole and page by page of one row, with the definition's
    /// count as every page's total; returns that count.</summary>
    private static async Task<int> AssertRawGasIsTheDefinitionAsync(NpgsqlDataSource db, HttpClient http, string from, string to, string? function)
    {
        var url = $"/api/kpi/gas?from={from}&to={to}&bucket=raw" + (function is null ? "" : "&function=" + function);
        await using var definition = db.CreateCommand($"""
            select distinct c.block_time, c.block_number, c.tx_index, c.contract, c.selector, ciro.felt_hex(c.contract), coalesce(c.function_name, ciro.felt_hex(c.selector))
            from ciro.tx_calls c where c.block_time >= '{from}' and c.block_time < '{to}'
              {(function is null ? "" : $"and c.function_name = '{function}'")}
            order by c.block_time desc, c.block_number desc, c.tx_index, c.contract, c.selector
            """);
        var expected = new List<string>();
        await using (var reader = await definition.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                expected.Add($"{reader.GetInt64(1)}/{reader.GetInt32(2)}/{reader.GetString(5)}/{reader.GetString(6)}");
            }
        }

        var whole = JsonDocument.Parse(await http.GetStringAsync(url + "&pageSize=1000")).RootElement;
        var all = whole.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(expected, all.Select(e =>
            $"{e.GetProperty("blockNumber").GetInt64()}/{e.GetProperty("txIndex").GetInt32()}/{e.GetProperty("contract").GetString()}/{e.GetProperty("function").GetString()}"));
        Assert.Equal(expected.Count, whole.GetProperty("totalCount").GetInt64());
        var paged = new List<string>();
        for (var page = 1; page <= expected.Count + 1; page++)
        {
            var answer = JsonDocument.Parse(await http.GetStringAsync($"{url}&pageSize=1&page={page}")).RootElement;
            Assert.Equal(expected.Count, answer.GetProperty("totalCount").GetInt64());
            paged.AddRange(answer.GetProperty("items").EnumerateArray().Select(e => e.GetRawText()));
        }
        Assert.Equal(all.Select(e => e.GetRawText()), paged);
        return expected.Count;
    }

    /// <summary>Deletes one block and its rows, as a reindex or a reorg without replacement leaves it.</summary>
    private static async Task DeleteBlockAsync(NpgsqlDataSource db, long number)
    {
        foreach (var table in new[] { "events", "tx_calls", "transactions", "blocks" })
        {
            await using var delete = db.CreateCommand($"delete from ciro.{table} where block_number = $1");
            delete.Parameters.AddWithValue(number);
            await delete.ExecuteNonQueryAsync();
        }
    }

    [Theory]
    [InlineData("RateLimitRequests", "0")]
    [InlineData("RateLimitWindowSeconds", "3601")]
    public async Task Rate_limit_settings_are_validated_at_start(string key, string value)
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(db, ($"Ciro:Analytics:{key}", value));
        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains($"Ciro:Analytics:{key} = {value}", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Network KPI reads of this database waiting on the held rollup table (the reconciler's writes are not selects).</summary>
    private static async Task<long> WaitingQueriesAsync(NpgsqlDataSource db)
    {
        await using var count = db.CreateCommand("""
            select count(*) from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'
              and query ilike 'select bucket_start,%from ciro.rollup_network%'
            """);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static MeterListener CountOf(Counter<long> counter, Action<long> add)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, counter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => add(value));
        listener.Start();
        return listener;
    }
}
