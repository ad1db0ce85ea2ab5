using System.Net;
using System.Text.Json;
using Ciro.Messages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Quartz;
using StackExchange.Redis;

namespace Ciro.Analytics.Tests;

/// <summary>Dead connections, failing loops and queries over the statement timeout: the service keeps running,
/// says what is wrong on /health, and answers 503 rather than 500.</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class ResilienceTests(AnalyticsFixture fixture) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(_db, KnownChain.Standard().Blocks);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_query_over_the_statement_timeout_is_a_503_problem_and_later_queries_answer()
    {
        await using var app = fixture.App(_db, ("Ciro:Analytics:StatementTimeoutSeconds", "1"));
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/blocks/6/summary")).StatusCode);

        // A writer holding an exclusive lock makes the block query wait; the server cancels it after 1 s.
        await using (var connection = await _db.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await using (var exclusive = new NpgsqlCommand("lock table ciro.blocks in access exclusive mode", connection, tx))
            {
                await exclusive.ExecuteNonQueryAsync();
            }
            var response = await http.GetAsync("/api/blocks/6/summary");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {body}");
            Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
            Assert.Equal("5", response.Headers.RetryAfter?.ToString());
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
            Assert.Equal("Query timed out", problem.GetProperty("title").GetString());
            Assert.Contains("Ciro:Analytics:StatementTimeoutSeconds = 1 s", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/blocks/6/summary")).StatusCode);
    }

    [Fact]
    public async Task A_killed_listener_connection_is_reported_unhealthy_then_restarted_after_backoff_with_a_resync()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-02T12:00:00Z"));
        await using var db = await fixture.NewDatabaseAsync(KnownChain.Standard().Blocks);
        await using var app = fixture.App(db).WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var http = app.CreateClient();
        using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var published = new System.Collections.Concurrent.BlockingCollection<string>();
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(MessageChannels.Resyncs.Redis), (_, m) => published.Add(m!));
        var listener = await ListenerPidAsync(db);
        await WaitUntilAsync(async () => await HealthAsync(app) == HealthStatus.Healthy, "healthy at start");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

        await using (var kill = db.CreateCommand($"select pg_terminate_backend({listener})"))
        {
            await kill.ExecuteNonQueryAsync();
        }
        // Down: reported with the loop's name and the reason, and the host keeps serving.
        await WaitUntilAsync(async () => await HealthAsync(app) == HealthStatus.Unhealthy, "unhealthy after the kill");
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var loops = report.Entries[BackgroundLoopHealth.CheckName];
        Assert.Contains("notification-listener is down: ", loops.Description);
        Assert.Contains("terminat", loops.Description);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/blocks/latest")).StatusCode);
        // The backoff runs on the clock: nothing reconnects until it has passed.
        Assert.False(published.TryTake(out _, TimeSpan.FromMilliseconds(500)));

        clock.Advance(BackgroundLoop.FirstBackoff);
        Assert.True(published.TryTake(out var resync, TimeSpan.FromSeconds(30)), "no resync after the reconnect");
        Assert.Equal(new Resync(ResyncReason.Reconnected), MessageSerializer.Deserialize(MessageChannels.Resyncs, resync!));
        Assert.NotEqual(listener, await ListenerPidAsync(db));
        await WaitUntilAsync(async () => await HealthAsync(app) == HealthStatus.Healthy, "healthy after the reconnect");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_database_out_of_connection_slots_is_a_503_problem_naming_the_sqlstate_and_the_service_answers_once_it_has_slots()
    {
        await using var app = fixture.App(_db);
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/blocks/6/summary")).StatusCode);
        var database = new NpgsqlConnectionStringBuilder(_db.ConnectionString).Database;
        try
        {
            // The service's role may no longer connect (the superuser this test uses may), and its open connections
            // are ended: the next queries find no connection slot, as when the server's max_connections is reached.
            await ExecuteAsync($"alter database \"{database}\" connection limit 0");
            await ExecuteAsync("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and usename <> current_user");
            var answers = new List<string>();
            string? detail = null;
            for (var i = 0; i < 20 && detail?.Contains("SQLSTATE 53300") != true; i++)
            {
                var response = await http.GetAsync("/api/blocks/6/summary");
                var body = await response.Content.ReadAsStringAsync();
                answers.Add($"{(int)response.StatusCode} {body}");
                // Never a 500: a connection ended under a query (57P01) or refused (53300) is the database's outage.
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, string.Join("\n", answers));
                Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
                Assert.Equal(DatabaseUnavailableRetryAfter, response.Headers.RetryAfter?.ToString());
                var problem = JsonDocument.Parse(body).RootElement;
                Assert.Equal("Database unavailable", problem.GetProperty("title").GetString());
                detail = problem.GetProperty("detail").GetString();
            }
            Assert.Equal("The database could not serve the request (SQLSTATE 53300). Retry later.", detail);
        }
        finally
        {
            await ExecuteAsync($"alter database \"{database}\" connection limit -1");
        }
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/blocks/6/summary")).StatusCode);
    }

    [Fact]
    public async Task A_report_scheduler_that_cannot_start_is_reported_down_retried_after_the_backoff_and_never_stops_the_host()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-02T12:00:00Z"));
        await using var db = await fixture.NewDatabaseAsync(KnownChain.Standard().Blocks);
        var failing = new FailingOnceSchedulerFactory();
        await using var app = fixture.App(db).WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            var original = services.Last(d => d.ServiceType == typeof(ISchedulerFactory));
            services.Remove(original);
            services.AddSingleton<ISchedulerFactory>(sp =>
            {
                failing.Inner = (ISchedulerFactory)(original.ImplementationFactory?.Invoke(sp)
                    ?? original.ImplementationInstance
                    ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!));
                return failing;
            });
        }));
        var http = app.CreateClient();

        await WaitUntilAsync(async () => (await LoopsAsync(app)).Description?.Contains("report-scheduler is down") == true, "the scheduler reported down");
        Assert.Equal("report-scheduler is down: NpgsqlException: no connection slot (test)", (await LoopsAsync(app)).Description);
        Assert.Equal(1, failing.Calls);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/blocks/6/summary")).StatusCode);

        // The backoff runs on the clock (advanced until the retry has run: the loop may not be waiting yet).
        await WaitUntilAsync(async () =>
        {
            clock.Advance(BackgroundLoop.FirstBackoff);
            return (await LoopsAsync(app)).Status == HealthStatus.Healthy;
        }, "healthy once the scheduler started");
        Assert.Equal(2, failing.Calls);
        Assert.Equal(SchedulerStatus.Running, (await failing.Inner!.GetScheduler()).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/blocks/6/summary")).StatusCode);
    }

    private const string DatabaseUnavailableRetryAfter = Apis.DatabaseUnavailableHandler.RetryAfterSeconds;

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<HealthReportEntry> LoopsAsync(WebApplicationFactory<Queries.AnalyticsQueries> app) =>
        (await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == BackgroundLoopHealth.CheckName))
            .Entries[BackgroundLoopHealth.CheckName];

    /// <summary>Quartz's factory whose first GetScheduler fails as a database without connection slots would.</summary>
    private sealed class FailingOnceSchedulerFactory : ISchedulerFactory
    {
        public ISchedulerFactory? Inner { get; set; }
        public int Calls;

        public ValueTask<IScheduler> GetScheduler(CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref Calls) == 1
                ? throw new NpgsqlException("no connection slot (test)")
                : Inner!.GetScheduler(cancellationToken);

        public ValueTask<IScheduler?> LookupScheduler(string schedName, CancellationToken cancellationToken = default) =>
            Inner!.LookupScheduler(schedName, cancellationToken);

        public ValueTask<List<IScheduler>> GetAllSchedulers(CancellationToken cancellationToken = default) =>
            Inner!.GetAllSchedulers(cancellationToken);
    }

    private static async Task<HealthStatus> HealthAsync(WebApplicationFactory<Queries.AnalyticsQueries> app) =>
        (await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == BackgroundLoopHealth.CheckName)).Status;

    private static async Task<int> ListenerPidAsync(NpgsqlDataSource db)
    {
        var pid = 0;
        await WaitUntilAsync(async () =>
        {
            await using var command = db.CreateCommand("select pid from pg_stat_activity where datname = current_database() and query like 'listen ciro_%'");
            pid = (int?)await command.ExecuteScalarAsync() ?? 0;
            return pid != 0;
        }, "the relay listening");
        return pid;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 400; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("never: " + what);
    }
}
