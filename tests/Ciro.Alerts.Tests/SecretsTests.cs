using Ciro.Alerts.Tests.Receivers;
using Ciro.Messages;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Ciro.Alerts.Tests;

/// <summary>Bot tokens, webhook URLs and secrets and the SMTP password reach neither the log (every category, every
/// level, exceptions included) nor the audit trail, through failed and successful deliveries on every channel.</summary>
[Collection(AlertsCollection.Name)]
public sealed class SecretsTests(AlertsFixture fixture)
{
    private const string DiscordToken = "dsc-TOKEN-4f1e9a";
    private const string BotSecret = "AAH-bot-SECRET-77c2";
    private const string BotToken = "6120884:" + BotSecret;
    private const string WebhookToken = "wh-URLTOKEN-0b3d";
    private const string WebhookSecret = "wh-HMAC-SECRET-9e5a";
    private const string SmtpPassword = "smtp-PASS-w0rd-31";

    [Fact]
    public async Task No_secret_appears_in_any_log_entry_or_audit_row_through_failures_and_deliveries()
    {
        await using var discord = new DiscordReceiver(DiscordToken) { Down = true };
        await using var telegram = new TelegramReceiver(BotToken) { RetryAfterSeconds = 1 };
        telegram.ThrottleNext(2);
        await using var webhook = new WebhookReceiver(WebhookToken, WebhookSecret) { Down = true };
        await using var smtp = new SmtpCatcher(new System.Net.NetworkCredential("apikey", SmtpPassword)) { RefuseNext = 2 };
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        var logs = new LogCapture();
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(),
                ("Alerts:Discord:Webhooks:0:Name", "ops"), ("Alerts:Discord:Webhooks:0:Url", discord.WebhookUrl),
                ("Alerts:Telegram:BotToken", BotToken), ("Alerts:Telegram:BaseUrl", telegram.BaseUrl), ("Alerts:Telegram:ChatIds:0", "-100555"),
                ("Alerts:Webhooks:0:Name", "siem"), ("Alerts:Webhooks:0:Url", webhook.Url), ("Alerts:Webhooks:0:Secret", WebhookSecret),
                ("Alerts:Email:To:0", "ops@example.org"))
            .WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs).AddFilter<LogCapture>(null, LogLevel.Trace)));
        _ = alerts.Server;
        await TestIncidents.OpenAsync(alerts, "secrets", IncidentSeverity.Critical, "every channel", new Dictionary<string, string> { ["worker"] = "w-1" }, DateTimeOffset.UtcNow);

        // Failures first: two refused emails, two 429s, dropped connections on Discord and the webhook.
        await OutboxClock.WaitUntilAsync(async () => await OutboxClock.ScalarAsync(database,
            "select count(distinct channel) from alerts.deliveries where not succeeded") == 4, database);
        discord.Down = false;
        webhook.Down = false;
        await OutboxClock.WaitUntilAsync(async () => await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where state = 'delivered'") == 4, database);
        Assert.Equal((1, 1, 1, 1), (discord.Accepted, telegram.Accepted, webhook.Accepted, smtp.Messages.Count));

        string[] secrets = [DiscordToken, BotSecret, WebhookToken, WebhookSecret, SmtpPassword];
        var entries = logs.Entries.ToList();
        Assert.Contains(entries, e => e.Contains("failed on attempt 1", StringComparison.Ordinal)); // the failures were logged
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(entries, e => e.Contains(secret, StringComparison.Ordinal));
        }
        Assert.Equal(0, await OutboxClock.ScalarAsync(database,
            $"select count(*) from alerts.deliveries d join alerts.notifications n on n.id = d.notification_id where concat(d.error, d.target, n.recipient, n.last_error, n.message::text) ~ '{string.Join('|', secrets)}'"));
    }
}
