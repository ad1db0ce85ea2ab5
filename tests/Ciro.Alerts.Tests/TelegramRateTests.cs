using Ciro.Alerts.Tests.Receivers;
using Ciro.Messages;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>Telegram's one message per second per chat, kept by the per-recipient token bucket on a fake clock.</summary>
[Collection(AlertsCollection.Name)]
public sealed class TelegramRateTests(AlertsFixture fixture)
{
    private const string BotToken = "8100200:AAH-rate-tg";

    [Fact]
    public async Task Six_notifications_to_one_chat_go_one_second_apart_while_another_chat_is_not_held_back()
    {
        await using var telegram = new TelegramReceiver(BotToken);
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var alerts = fixture.Started(database, analytics, smtp, clock,
            ("Alerts:Telegram:BotToken", BotToken), ("Alerts:Telegram:BaseUrl", telegram.BaseUrl), ("Alerts:Telegram:ChatIds:0", "-100111"),
            ("Alerts:Routing:Default:0:Channel", "telegram"),
            ("Alerts:Routing:Routes:0:Matchers:0", "worker=w-0"),
            ("Alerts:Routing:Routes:0:Targets:0:Channel", "telegram"),
            ("Alerts:Routing:Routes:0:Targets:0:Recipients:0", "-100222"));
        for (var i = 0; i < 6; i++)
        {
            await TestIncidents.OpenAsync(alerts, $"rate-{i}", IncidentSeverity.Warning, $"condition {i}", new Dictionary<string, string> { ["worker"] = $"w-{i + 1}" }, clock.GetUtcNow());
        }
        await TestIncidents.OpenAsync(alerts, "rate-other", IncidentSeverity.Warning, "other chat", new Dictionary<string, string> { ["worker"] = "w-0" }, clock.GetUtcNow());
        var start = clock.GetUtcNow();

        await OutboxClock.AdvanceAsync(clock, database, TimeSpan.FromSeconds(20), step: TimeSpan.FromMilliseconds(250),
            until: async () => await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where state = 'delivered'") == 7);

        Assert.Empty(telegram.Rejections);
        var times = await TimesAsync(database, "-100111");
        Assert.Equal(6, times.Count);
        // The bucket lets the i-th attempt start no earlier than i seconds after the first could. The audit records each
        // attempt's end on the fake clock, which this test moves (in steps, and by a nudge when a worker sleeps) while a
        // send may still be in flight (the attempt timeout runs on real time), so gaps between ends vary; but the i-th
        // end cannot come before the i-th start: i seconds after the start.
        for (var i = 1; i < times.Count; i++)
        {
            Assert.True(times[i] - start >= TimeSpan.FromSeconds(i) - TimeSpan.FromMicroseconds(1), $"message {i} came {times[i] - start} after the start");
        }
        // Delivery times come back from PostgreSQL rounded to the microsecond; the fake clock's start is not.
        Assert.InRange(times[^1] - start, TimeSpan.FromSeconds(5) - TimeSpan.FromMicroseconds(1), TimeSpan.FromSeconds(8));
        // The other chat has its own bucket: its one message did not wait behind the six.
        // The other chat is not queued behind the first: shared, it would be the seventh and come no earlier than 6 s. Its
        // recorded time is the attempt's end, which the lockstep's nudges (a second each time a send takes over 2 real
        // seconds, as on a loaded machine) can carry past 1 s, so the bound is the held chat's last slot.
        Assert.InRange(Assert.Single(await TimesAsync(database, "-100222")) - start, TimeSpan.Zero, TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Equal(0, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.deliveries where not succeeded")); // held, never refused
    }

    private static async Task<List<DateTimeOffset>> TimesAsync(NpgsqlDataSource database, string chat)
    {
        await using var command = database.CreateCommand("select at from alerts.deliveries where channel = 'telegram' and target = $1 and succeeded order by at");
        command.Parameters.AddWithValue(chat);
        await using var reader = await command.ExecuteReaderAsync();
        var times = new List<DateTimeOffset>();
        while (await reader.ReadAsync())
        {
            times.Add(reader.GetFieldValue<DateTimeOffset>(0));
        }
        return times;
    }
}
