using Ciro.Alerts.Tests.Receivers;
using Ciro.Messages;
using Microsoft.Extensions.Options;

namespace Ciro.Alerts.Tests;

/// <summary>Routing by labels to channels, with a real receiver per channel on loopback.</summary>
[Collection(AlertsCollection.Name)]
public sealed class RoutingTests(AlertsFixture fixture)
{
    private const string BotToken = "5550123:AAH-route-tg";

    [Fact]
    public async Task Each_label_set_reaches_exactly_the_channels_its_routes_name()
    {
        await using var telegram = new TelegramReceiver(BotToken);
        await using var discord = new DiscordReceiver("route-dw");
        await using var webhook = new WebhookReceiver("route-wh", "route-secret");
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();
        await using var alerts = fixture.Started(database, analytics, smtp, clock: null,
            ("Alerts:Telegram:BotToken", BotToken), ("Alerts:Telegram:BaseUrl", telegram.BaseUrl), ("Alerts:Telegram:ChatIds:0", "-100777"),
            ("Alerts:Discord:Webhooks:0:Name", "contracts"), ("Alerts:Discord:Webhooks:0:Url", discord.WebhookUrl),
            ("Alerts:Webhooks:0:Name", "siem"), ("Alerts:Webhooks:0:Url", webhook.Url), ("Alerts:Webhooks:0:Secret", "route-secret"),
            // Critical pages on Telegram and goes on; contract 0x04… alerts (not approve) go to Discord; the rest to the webhook.
            ("Alerts:Routing:Routes:0:Matchers:0", "severity=critical"),
            ("Alerts:Routing:Routes:0:Targets:0:Channel", "telegram"),
            ("Alerts:Routing:Routes:0:Continue", "true"),
            ("Alerts:Routing:Routes:1:Matchers:0", "contract=~0x04.*"),
            ("Alerts:Routing:Routes:1:Matchers:1", "function!=approve"),
            ("Alerts:Routing:Routes:1:Targets:0:Channel", "discord"),
            ("Alerts:Routing:Default:0:Channel", "webhook"));

        // Label sets that differ from each other: a critical incident mutes warnings with the very same labels.
        (string Rule, IncidentSeverity Severity, Dictionary<string, string> Labels, string[] Channels)[] cases =
        [
            ("route-a", IncidentSeverity.Critical, new() { ["contract"] = "0x04a7", ["function"] = "transfer" }, ["telegram", "discord"]),
            ("route-b", IncidentSeverity.Warning, new() { ["contract"] = "0x04a7", ["function"] = "mint" }, ["discord"]),
            ("route-c", IncidentSeverity.Warning, new() { ["contract"] = "0x04a7", ["function"] = "approve" }, ["webhook"]),
            ("route-d", IncidentSeverity.Critical, new() { ["contract"] = "0x0999" }, ["telegram"]),
            ("route-e", IncidentSeverity.Info, new() { ["worker"] = "w-1" }, ["webhook"]),
        ];
        foreach (var (rule, severity, labels, _) in cases)
        {
            await TestIncidents.OpenAsync(alerts, rule, severity, $"{rule} breached", labels, DateTimeOffset.UtcNow);
        }
        var expected = cases.Sum(c => c.Channels.Length);
        await OutboxClock.WaitUntilAsync(async () => await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where state = 'delivered'") == expected, database);

        Assert.Equal(0, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where channel = 'email'"));
        Assert.Equal(RulesFor(cases, "telegram"), telegram.Messages.Select(m => m.Text.Split('\n')[0].Split(' ')[^1]).Order());
        Assert.Equal(RulesFor(cases, "discord"), discord.Messages.Select(m => m.GetProperty("content").GetString()!.Split(' ')[2].TrimEnd(':')).Order());
        Assert.Equal(RulesFor(cases, "webhook"), webhook.Payloads.Select(p => p.GetProperty("rule").GetString()!).Order());
        Assert.Empty(telegram.Rejections.Concat(discord.Rejections).Concat(webhook.Rejections));
    }

    [Fact]
    public async Task A_bad_matcher_or_channel_stops_the_service_naming_the_key_and_the_value()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();
        var error = Assert.Throws<OptionsValidationException>(() => fixture.Started(database, analytics, smtp, clock: null,
            ("Alerts:Routing:Routes:0:Matchers:0", "severity~critical"),
            ("Alerts:Routing:Routes:0:Targets:0:Channel", "discrod")));
        Assert.Contains("Alerts:Routing:Routes:0:Matchers:0 = 'severity~critical' is not label=value, label!=value, label=~regex or label!~regex.", error.Message);
        Assert.Contains("Alerts:Routing:Routes:0:Targets:0:Channel = 'discrod' is not a channel; expected one of email, discord, telegram, webhook.", error.Message);
    }

    private static IOrderedEnumerable<string> RulesFor((string Rule, IncidentSeverity, Dictionary<string, string>, string[] Channels)[] cases, string channel) =>
        cases.Where(c => c.Channels.Contains(channel)).Select(c => c.Rule).Order();
}
