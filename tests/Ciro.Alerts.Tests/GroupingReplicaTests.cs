using Ciro.Alerts.Incidents;
using Ciro.Messages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>Grouping options that cannot work stop the service with a message naming each option and its value; two
/// Alerts replicas on one PostgreSQL, on one fake clock, flushing the same due group at once send its notification
/// exactly once per tick.</summary>
[Collection(AlertsCollection.Name)]
public sealed class GroupingReplicaTests(AlertsFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private const string Grouping = "Alerts:Incidents:Grouping";

    [Fact]
    public async Task Bad_grouping_options_stop_the_start_naming_each_option_and_value()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();

        var error = Assert.Throws<OptionsValidationException>(() => fixture.Started(database, analytics, smtp, clock: null,
            ($"{Grouping}:GroupWait", "00:00:00"), ($"{Grouping}:GroupInterval", "-00:01:00"),
            ($"{Grouping}:GroupBy:0", "contract"), ($"{Grouping}:GroupBy:1", " "), ($"{Grouping}:GroupBy:2", "contract")));
        Assert.Contains($"{Grouping}:GroupWait = '00:00:00' must be positive.", error.Message);
        Assert.Contains($"{Grouping}:GroupInterval = '-00:01:00' must be positive.", error.Message);
        Assert.Contains($"{Grouping}:GroupBy:1 is empty.", error.Message);
        Assert.Contains($"{Grouping}:GroupBy names 'contract' twice.", error.Message);
        Assert.DoesNotContain("RepeatInterval", error.Message);

        var repeat = Assert.Throws<OptionsValidationException>(() => fixture.Started(database, analytics, smtp, clock: null,
            ($"{Grouping}:GroupBy:0", "contract"), ($"{Grouping}:RepeatInterval", "00:01:00")));
        Assert.Contains($"{Grouping}:RepeatInterval = '00:01:00' must be at least GroupInterval = '00:05:00'.", Assert.Single(repeat.Failures));

        // Not a duration at all: the configuration binder names the key.
        var unreadable = Assert.ThrowsAny<InvalidOperationException>(() => fixture.Started(database, analytics, smtp, clock: null,
            ($"{Grouping}:GroupBy:0", "contract"), ($"{Grouping}:GroupWait", "soon")));
        Assert.Contains($"{Grouping}:GroupWait", unreadable.Message);
    }

    [Fact]
    public async Task Two_replicas_flushing_one_group_at_once_send_one_notification_per_tick()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        var clock = new FakeTimeProvider(T0);
        await using var replicaA = Host(database, smtp, analytics, clock);
        await using var replicaB = Host(database, smtp, analytics, clock);
        var store = replicaA.Services.GetRequiredService<IncidentStore>();
        AlertGroups[] flushers = [replicaA.Services.GetRequiredService<AlertGroups>(), replicaB.Services.GetRequiredService<AlertGroups>()];

        var spike = Signals.Of("gas-spike", IncidentSeverity.Critical, "L2 gas per call 9x baseline", new Dictionary<string, string> { ["contract"] = "0xabc", ["function"] = "transfer" });
        var slow = Signals.Of("slow-execution", IncidentSeverity.Warning, "p95 inclusion 40 s", new Dictionary<string, string> { ["contract"] = "0xabc", ["function"] = "approve" });
        await store.OpenOrRepeatAsync(spike, default);
        await replicaB.Services.GetRequiredService<IncidentStore>().OpenOrRepeatAsync(slow, default);

        // Before the group wait nobody flushes; at it, eight flushes at once (four per replica, plus their own sweeps) send one.
        clock.SetUtcNow(T0 + TimeSpan.FromSeconds(29));
        Assert.Equal(0, await FlushAllAtOnceAsync(flushers));
        clock.SetUtcNow(T0 + TimeSpan.FromSeconds(30));
        await FlushAllAtOnceAsync(flushers);
        Assert.Equal(["[CRITICAL] FIRING:2 group: 2 firing, 0 resolved"], await SubjectsAsync(database));
        Assert.Equal(1L, await ScalarAsync(database, "select flushes from alerts.alert_groups"));

        // A resolution: one notification at the next tick (+5:30), whichever replica claims it.
        Assert.NotNull(await store.ResolveAsync(slow.DedupKey, slow.RuleId, default));
        clock.SetUtcNow(T0 + TimeSpan.FromMinutes(5.5));
        await FlushAllAtOnceAsync(flushers);
        clock.SetUtcNow(T0 + TimeSpan.FromMinutes(6));
        Assert.Equal(0, await FlushAllAtOnceAsync(flushers));
        Assert.Equal(["[CRITICAL] FIRING:2 group: 2 firing, 0 resolved", "[CRITICAL] FIRING:1 group: 1 firing, 1 resolved"], await SubjectsAsync(database));
        Assert.Equal(2L, await ScalarAsync(database, "select flushes from alerts.alert_groups"));

        // Both replicas' dispatchers run: the receiver gets each notification once.
        await OutboxClock.WaitUntilAsync(() => Task.FromResult(smtp.Messages.Count >= 2), database);
        await Task.Delay(TimeSpan.FromSeconds(2)); // and no more
        Assert.Equal(2, smtp.Messages.Count);
    }

    /// <summary>Eight concurrent flush loops over both replicas' <see cref="AlertGroups"/>; how many flushes they made.</summary>
    private static async Task<int> FlushAllAtOnceAsync(AlertGroups[] flushers)
    {
        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var flushed = 0;
            while (await flushers[i % 2].FlushNextDueAsync(default))
            {
                flushed++;
            }
            return flushed;
        })));
        return counts.Sum();
    }

    private WebApplicationFactory<Rules.AlertsOptions> Host(NpgsqlDataSource database, SmtpCatcher smtp,
        WebApplicationFactory<Analytics.Queries.AnalyticsQueries> analytics, TimeProvider clock)
    {
        var host = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(),
                ("Alerts:Email:To:0", "ops@example.org"), ("Alerts:Incidents:EscalationSweepInterval", "00:00:00.200"),
                ($"{Grouping}:GroupBy:0", "contract"), ($"{Grouping}:GroupWait", "00:00:30"),
                ($"{Grouping}:GroupInterval", "00:05:00"), ($"{Grouping}:RepeatInterval", "01:00:00"))
            .WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton(clock)));
        _ = host.Server;
        return host;
    }

    private static async Task<List<string>> SubjectsAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(
            "select concat(message->>'headline', ': ', message->>'summary') from alerts.notifications order by id");
        await using var reader = await command.ExecuteReaderAsync();
        var subjects = new List<string>();
        while (await reader.ReadAsync())
        {
            subjects.Add(reader.GetString(0));
        }
        return subjects;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
