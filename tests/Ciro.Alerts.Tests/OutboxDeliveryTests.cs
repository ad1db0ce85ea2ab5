using Ciro.Alerts.Delivery;
using Ciro.Alerts.Incidents;
using Ciro.Messages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>The transactional outbox against a real SMTP server: outages on a fake clock, a crash between the
/// incident's commit and its delivery, and two replicas sharing one database.</summary>
[Collection(AlertsCollection.Name)]
public sealed class OutboxDeliveryTests(AlertsFixture fixture)
{
    private static readonly string[] Recipients = ["ops@example.org", "oncall@example.org"];

    [Fact]
    public async Task Smtp_down_for_ten_simulated_minutes_then_up_delivers_every_notification_exactly_once()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var port = Ciro.LocalInfrastructure.FreePort.Next(); // nothing listens yet: the SMTP server is down
        await using var alerts = Host(database, analytics, $"smtp://127.0.0.1:{port}", clock);
        var store = alerts.Services.GetRequiredService<IncidentStore>();

        var (gasSpike, _) = await store.OpenOrRepeatAsync(Signals.Of("gas-spike", IncidentSeverity.Critical, "L2 gas per call 9x baseline"), default);
        var (slowWorker, _) = await store.OpenOrRepeatAsync(Signals.Of("slow-worker", IncidentSeverity.Warning, "p95 completion 40 s"), default);
        Assert.NotNull(await store.ResolveAsync(slowWorker.DedupKey, slowWorker.Rule, default));
        const int expected = 3 * 2; // (firing, firing, resolved) × two recipients

        await OutboxClock.AdvanceAsync(clock, database, TimeSpan.FromMinutes(10));
        Assert.Equal(expected, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where state = 'pending'"));
        // Backoff alone (1 s doubling to 2 min, jitter) would try each of the 6 notifications 8 to 16 times in 10 minutes
        // (48..96 connections to a dead server); the email channel's circuit breaker opens after 5 failures in a row and
        // then lets one trial through a minute. None was given up (all still pending, above).
        var attempts = await OutboxClock.ScalarsAsync(database, "select attempts from alerts.notifications");
        Assert.InRange(attempts.Sum(), 5, 30);
        Assert.Equal(attempts.Sum(), await OutboxClock.ScalarAsync(database, "select count(*) from alerts.deliveries where not succeeded"));

        await using var smtp = new SmtpCatcher(port: port); // the server comes back
        await OutboxClock.AdvanceAsync(clock, database, TimeSpan.FromMinutes(5),
            until: async () => await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where state = 'delivered'") == expected);
        await OutboxClock.AdvanceAsync(clock, database, TimeSpan.FromMinutes(5)); // later: nothing is sent twice

        Assert.Equal(expected, smtp.Messages.Count);
        var keys = smtp.Messages.Select(m => m.Headers["X-Ciro-Idempotency-Key"]).ToList();
        Assert.Equal(expected, keys.Distinct().Count());
        // Each email goes to exactly one configured recipient: no leftover default (operators@localhost) in Email:To.
        Assert.All(smtp.Messages, m => Assert.Contains(Assert.Single(m.To.Mailboxes).Address, Recipients));
        Assert.Equal(2, smtp.Messages.Count(m => m.Subject?.StartsWith("[CRITICAL] FIRING gas-spike", StringComparison.Ordinal) == true));
        Assert.Equal(2, smtp.Messages.Count(m => m.Subject?.StartsWith("[RESOLVED] slow-worker", StringComparison.Ordinal) == true));
        Assert.Contains(smtp.Messages, m => m.Headers["X-Ciro-Incident"] == gasSpike.Id.ToString());
        Assert.Equal(expected, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.deliveries where succeeded"));
    }

    [Fact]
    public async Task A_notification_committed_before_a_crash_is_delivered_once_by_the_next_instance()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();

        // The first instance commits the incident and dies before its dispatcher runs (here: it has none).
        await using (var crashed = Host(database, analytics, smtp.ConnectionString, withDispatcher: false))
        {
            var store = crashed.Services.GetRequiredService<IncidentStore>();
            Assert.True((await store.OpenOrRepeatAsync(Signals.Of("failing-worker", IncidentSeverity.Critical, "success rate 40 %"), default)).Opened);
            Assert.Equal(2L, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where state = 'pending'"));
        }
        Assert.Empty(smtp.Messages);

        await using var restarted = Host(database, analytics, smtp.ConnectionString);
        _ = restarted.Server;
        await OutboxClock.WaitUntilAsync(async () => await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where state = 'delivered'") == 2);
        await Task.Delay(TimeSpan.FromSeconds(3)); // a few more polls: still once each
        Assert.Equal(2, smtp.Messages.Count);
        Assert.Equal(Recipients.Order(), smtp.Messages.Select(m => Assert.Single(m.To.Mailboxes).Address).Order());
        Assert.Equal(2L, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.deliveries where succeeded and attempts = 1"));
    }

    [Fact]
    public async Task Two_replicas_on_one_database_send_each_notification_once_and_one_resolved_notice()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();
        await using var first = Host(database, analytics, smtp.ConnectionString);
        await using var second = Host(database, analytics, smtp.ConnectionString);
        var stores = new[] { first.Services.GetRequiredService<IncidentStore>(), second.Services.GetRequiredService<IncidentStore>() };
        const int incidents = 20;

        var opened = new List<Incident>();
        for (var i = 0; i < incidents; i++)
        {
            opened.Add((await stores[i % 2].OpenOrRepeatAsync(Signals.Of($"rule-{i}", IncidentSeverity.Warning, $"condition {i}"), default)).Incident);
        }
        // Both replicas see every incident recover at once and both try to resolve it.
        var resolutions = await Task.WhenAll(opened.SelectMany(incident => stores.Select(s => s.ResolveAsync(incident.DedupKey, incident.Rule, default))));
        Assert.Equal(incidents, resolutions.Count(r => r is not null));

        const int expected = incidents * 2 * 2; // (firing, resolved) × two recipients
        await OutboxClock.WaitUntilAsync(async () => await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where state = 'delivered'") == expected);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(expected, smtp.Messages.Count);
        Assert.Equal(expected, smtp.Messages.Select(m => m.Headers["X-Ciro-Idempotency-Key"]).Distinct().Count());
        Assert.Equal(incidents * 2, smtp.Messages.Count(m => m.Subject?.StartsWith("[RESOLVED]", StringComparison.Ordinal) == true));
        Assert.Equal(expected, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.deliveries where succeeded"));
    }

    private WebApplicationFactory<Ciro.Alerts.Rules.AlertsOptions> Host(NpgsqlDataSource database, WebApplicationFactory<Ciro.Analytics.Queries.AnalyticsQueries> analytics,
        string mail, TimeProvider? clock = null, bool withDispatcher = true)
    {
        var host = fixture.Alerts(database, mail, analytics.Server.CreateHandler(),
                ("Alerts:Email:To:0", Recipients[0]), ("Alerts:Email:To:1", Recipients[1]))
            .WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            {
                if (clock is not null)
                {
                    services.AddSingleton(clock);
                }
                if (!withDispatcher)
                {
                    services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(NotificationDispatcher)));
                }
            }));
        _ = host.Server;
        return host;
    }
}
