using Ciro.Alerts.Tests.Receivers;
using Ciro.Messages;
using Microsoft.Extensions.Time.Testing;

namespace Ciro.Alerts.Tests;

/// <summary>A receiver down for 10 minutes of a fake clock, then up: each notification arrives exactly once (counted
/// by idempotency key on the receiver), the circuit breaker spares the dead receiver, and the fallback channel gets
/// one copy of each while the breaker is open.</summary>
[Collection(AlertsCollection.Name)]
public sealed class ReceiverOutageTests(AlertsFixture fixture)
{
    [Fact]
    public async Task Webhook_down_ten_minutes_then_up_gets_each_notification_once_and_discord_one_fallback_copy()
    {
        await using var webhook = new WebhookReceiver("outage-wh", "outage-secret") { Down = true };
        await using var discord = new DiscordReceiver("outage-dw");
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var alerts = fixture.Started(database, analytics, smtp, clock,
            ("Alerts:Webhooks:0:Name", "siem"), ("Alerts:Webhooks:0:Url", webhook.Url), ("Alerts:Webhooks:0:Secret", "outage-secret"),
            ("Alerts:Discord:Webhooks:0:Name", "ops"), ("Alerts:Discord:Webhooks:0:Url", discord.WebhookUrl),
            ("Alerts:Routing:Default:0:Channel", "webhook"),
            ("Alerts:Delivery:Channels:webhook:Fallback", "discord"),
            ("Alerts:Delivery:Channels:webhook:FailuresToOpen", "5"),
            ("Alerts:Delivery:Channels:webhook:OpenFor", "00:01:00"));
        const int incidents = 10;
        for (var i = 0; i < incidents; i++)
        {
            await TestIncidents.OpenAsync(alerts, $"outage-{i}", IncidentSeverity.Critical, $"condition {i}",
                new Dictionary<string, string> { ["worker"] = $"w-{i}" }, clock.GetUtcNow());
        }

        await OutboxClock.AdvanceAsync(clock, database, TimeSpan.FromMinutes(10));
        Assert.Equal(0, webhook.Accepted);
        // Without the breaker each notification is tried on its own backoff: 10 × 8..16 requests. With it: the five
        // failures that open it (a few more in flight), then one trial a minute.
        var duringOutage = webhook.Requests;
        Assert.InRange(duringOutage, 5, 30);
        Assert.Equal(incidents, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where channel = 'webhook' and state = 'pending'"));
        // Every notification also went to the fallback, once, while the webhook's breaker was open.
        Assert.Equal(incidents, discord.AcceptedByKey.Count);
        Assert.All(discord.AcceptedByKey.Values, n => Assert.Equal(1, n));

        webhook.Down = false;
        await OutboxClock.AdvanceAsync(clock, database, TimeSpan.FromMinutes(5),
            until: async () => await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where channel = 'webhook' and state = 'delivered'") == incidents);
        await OutboxClock.AdvanceAsync(clock, database, TimeSpan.FromMinutes(5)); // later: nothing is sent twice

        Assert.Equal(incidents, webhook.AcceptedByKey.Count);
        Assert.All(webhook.AcceptedByKey.Values, n => Assert.Equal(1, n));
        Assert.Empty(webhook.Rejections);
        Assert.Equal(incidents, discord.Accepted);
        Assert.Equal(incidents, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.deliveries where channel = 'webhook' and succeeded"));
        Assert.Equal(duringOutage, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.deliveries where channel = 'webhook' and not succeeded"));
    }
}
