using Ciro.Alerts.Incidents;
using Ciro.Messages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>Alertmanager-style grouping on a fake clock against real PostgreSQL and a real SMTP server: one notification
/// per group after the group wait, newcomers and resolutions at the next group interval tick, a repeat after the repeat
/// interval, and a group whose incidents all resolved announces it once and ends.</summary>
[Collection(AlertsCollection.Name)]
public sealed class GroupingTests(AlertsFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Incidents_with_the_same_group_labels_are_announced_together_on_the_group_schedule()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(T0);
        await using var analytics = fixture.App(database);
        await using var alerts = Host(database, smtp, analytics, clock);
        var store = alerts.Services.GetRequiredService<IncidentStore>();

        var spike = Signals.Of("gas-spike", IncidentSeverity.Critical, "L2 gas per call 9x baseline", new Dictionary<string, string> { ["contract"] = "0xabc", ["function"] = "transfer" });
        var slow = Signals.Of("slow-execution", IncidentSeverity.Warning, "p95 inclusion 40 s", new Dictionary<string, string> { ["contract"] = "0xabc", ["function"] = "approve" });
        var elsewhere = Signals.Of("gas-spike", IncidentSeverity.Warning, "L2 gas per call 3x baseline", new Dictionary<string, string> { ["contract"] = "0xdef", ["function"] = "transfer" });
        foreach (var signal in new[] { spike, slow, elsewhere })
        {
            await store.OpenOrRepeatAsync(signal, default);
        }

        // Nothing during the group wait (30 s), then one notification per group.
        await AdvanceAsync(clock, TimeSpan.FromSeconds(29));
        Assert.Equal(0L, await CountAsync(database));
        await AdvanceToAsync(clock, database, T0 + TimeSpan.FromSeconds(30), 2);
        Assert.Equal(["[CRITICAL] FIRING:2 group: 2 firing, 0 resolved", "[WARNING] FIRING:1 group: 1 firing, 0 resolved"], await SubjectsAsync(database));

        // A newcomer waits for the group's next tick (+5:30), and only its group is notified.
        await AdvanceAsync(clock, TimeSpan.FromMinutes(1));
        await store.OpenOrRepeatAsync(Signals.Of("worker-degradation", IncidentSeverity.Warning, "success rate 60 %",
            new Dictionary<string, string> { ["contract"] = "0xabc", ["worker"] = "0x77" }), default);
        await AdvanceAsync(clock, TimeSpan.FromMinutes(3));
        Assert.Equal(2L, await CountAsync(database));
        await AdvanceToAsync(clock, database, T0 + TimeSpan.FromMinutes(5.5), 3);

        // A resolution goes out at the next tick (+10:30), not on its own; the other group stays quiet.
        Assert.NotNull(await store.ResolveAsync(slow.DedupKey, slow.RuleId, default));
        await AdvanceAsync(clock, TimeSpan.FromMinutes(1));
        Assert.Equal(3L, await CountAsync(database));
        await AdvanceToAsync(clock, database, T0 + TimeSpan.FromMinutes(10.5), 4);

        // The other group's only incident resolves: announced at +15:30, then the group ends.
        Assert.NotNull(await store.ResolveAsync(elsewhere.DedupKey, elsewhere.RuleId, default));
        await AdvanceToAsync(clock, database, T0 + TimeSpan.FromMinutes(15.5), 5);
        Assert.Equal(["contract=\"0xabc\""], await TextsAsync(database, "select group_key from alerts.alert_groups"));

        // Nothing changes: the group is announced again one repeat interval (1 h) after its last notification.
        await AdvanceAsync(clock, TimeSpan.FromMinutes(54));
        Assert.Equal(5L, await CountAsync(database));
        await AdvanceToAsync(clock, database, T0 + TimeSpan.FromMinutes(70.5), 6);
        await AdvanceAsync(clock, TimeSpan.FromMinutes(10));

        Assert.Equal(
        [
            "[CRITICAL] FIRING:2 group: 2 firing, 0 resolved",
            "[WARNING] FIRING:1 group: 1 firing, 0 resolved",
            "[CRITICAL] FIRING:3 group: 3 firing, 0 resolved",
            "[CRITICAL] FIRING:2 group: 2 firing, 1 resolved",
            "[RESOLVED] group: 0 firing, 1 resolved",
            "[CRITICAL] FIRING:2 group: 2 firing, 0 resolved",
        ], await SubjectsAsync(database));
        // No incident sent a notice of its own.
        Assert.Equal(0L, await ScalarAsync(database, "select count(*) from alerts.notifications where kind <> 'grouped' or incident_id is not null"));

        var messages = await WaitForMessagesAsync(smtp, 6);
        var resolvedInGroup = messages.Single(m => m.Subject == "[CRITICAL] FIRING:2 group: 2 firing, 1 resolved");
        Assert.Equal("contract=\"0xabc\"", resolvedInGroup.Headers["X-Ciro-Group"]);
        var body = resolvedInGroup.TextBody!;
        Assert.Contains("Group:     contract=0xabc", body);
        Assert.Contains("  [critical] gas-spike: L2 gas per call 9x baseline (contract=0xabc, function=transfer) since 2026-11-30 09:00:00Z", body);
        Assert.Contains("  [warning] worker-degradation: success rate 60 % (contract=0xabc, worker=0x77) since 2026-11-30 09:00:00Z", body);
        Assert.Contains("Resolved:\n  [warning] slow-execution: p95 inclusion 40 s (contract=0xabc, function=approve) since 2026-11-30 09:00:00Z, resolved 2026-11-30 09:05:3",
            body.Replace("\r\n", "\n"));
    }

    private WebApplicationFactory<Rules.AlertsOptions> Host(NpgsqlDataSource database, SmtpCatcher smtp,
        WebApplicationFactory<Analytics.Queries.AnalyticsQueries> analytics, TimeProvider clock)
    {
        var host = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(),
                ("Alerts:Email:To:0", "ops@example.org"), ("Alerts:Incidents:EscalationSweepInterval", "00:00:00.200"),
                ("Alerts:Incidents:Grouping:GroupBy:0", "contract"), ("Alerts:Incidents:Grouping:GroupWait", "00:00:30"),
                ("Alerts:Incidents:Grouping:GroupInterval", "00:05:00"), ("Alerts:Incidents:Grouping:RepeatInterval", "01:00:00"))
            .WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton(clock)));
        _ = host.Server;
        return host;
    }

    /// <summary>Moves the fake clock in one step and gives the sweep (200 ms, on the same clock) time to look.</summary>
    private static async Task AdvanceAsync(FakeTimeProvider clock, TimeSpan by)
    {
        clock.Advance(by);
        await Task.Delay(TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromMilliseconds(200));
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    /// <summary>Sets the clock to <paramref name="at"/> and waits (real time) for <paramref name="expected"/> group
    /// notifications in all, nudging the clock by one sweep interval every 2 s of waiting; then checks none more follows.</summary>
    private static async Task AdvanceToAsync(FakeTimeProvider clock, NpgsqlDataSource database, DateTimeOffset at, long expected)
    {
        clock.Advance(at - clock.GetUtcNow());
        var nudgeAt = DateTime.UtcNow.AddSeconds(2);
        await OutboxClock.WaitUntilAsync(async () =>
        {
            if (DateTime.UtcNow > nudgeAt)
            {
                clock.Advance(TimeSpan.FromMilliseconds(200));
                nudgeAt = DateTime.UtcNow.AddSeconds(2);
            }
            return await CountAsync(database) >= expected;
        }, database);
        await AdvanceAsync(clock, TimeSpan.FromMilliseconds(200));
        Assert.Equal(expected, await CountAsync(database));
    }

    private static Task<long> CountAsync(NpgsqlDataSource database) => ScalarAsync(database, "select count(*) from alerts.notifications");

    private static Task<List<string>> SubjectsAsync(NpgsqlDataSource database) =>
        TextsAsync(database, "select concat(message->>'headline', ': ', message->>'summary') from alerts.notifications order by id");

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task<List<string>> TextsAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var texts = new List<string>();
        while (await reader.ReadAsync())
        {
            texts.Add(reader.GetString(0));
        }
        return texts;
    }

    private static async Task<List<MimeKit.MimeMessage>> WaitForMessagesAsync(SmtpCatcher smtp, int count)
    {
        await OutboxClock.WaitUntilAsync(() => Task.FromResult(smtp.Messages.Count >= count));
        await Task.Delay(TimeSpan.FromSeconds(1)); // and no more
        Assert.Equal(count, smtp.Messages.Count);
        return [.. smtp.Messages];
    }
}
