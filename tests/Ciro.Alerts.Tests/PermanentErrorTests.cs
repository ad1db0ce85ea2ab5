using Ciro.Alerts.Incidents;
using Ciro.Alerts.Tests.Receivers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ciro.Alerts.Tests;

/// <summary>Permanent refusals (a webhook that answers 404, a Telegram bot whose token is refused with 401) are not
/// retried: one attempt, the notification failed and audited, its copy sent to the channel's fallback (email).</summary>
[Collection(AlertsCollection.Name)]
public sealed class PermanentErrorTests(AlertsFixture fixture)
{
    [Fact]
    public async Task A_permanent_refusal_is_attempted_once_audited_and_sent_to_the_fallback()
    {
        await using var webhook = new GoneReceiver();
        await using var telegram = new TelegramReceiver("123456:right-token");
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var alerts = fixture.Started(database, analytics, smtp, clock,
            ("Alerts:Email:To:0", "ops@example.org"),
            ("Alerts:Webhooks:0:Name", "gone-hook"), ("Alerts:Webhooks:0:Url", webhook.Url), ("Alerts:Webhooks:0:Secret", "whsec-gone"),
            ("Alerts:Telegram:BotToken", "123456:revoked-token"), ("Alerts:Telegram:BaseUrl", telegram.BaseUrl), ("Alerts:Telegram:ChatIds:0", "-1001"),
            ("Alerts:Routing:Default:0:Channel", "webhook"), ("Alerts:Routing:Default:1:Channel", "telegram"),
            ("Alerts:Delivery:Channels:webhook:Fallback", "email"), ("Alerts:Delivery:Channels:telegram:Fallback", "email"));
        var store = alerts.Services.GetRequiredService<IncidentStore>();

        await store.OpenOrRepeatAsync(Signals.Of("gas-spike", Messages.IncidentSeverity.Critical, "L2 gas per call 9x baseline"), default);
        // Ten simulated minutes: a transient failure would have been retried about eight times by now.
        await OutboxClock.AdvanceAsync(clock, database, TimeSpan.FromMinutes(10));

        Assert.Equal((1, 1), (webhook.Requests, telegram.Requests));
        Assert.Equal(
            ["telegram failed 1 ReceiverRejectedException: telegram chat -1001 answered 401: Unauthorized",
             "webhook failed 1 ReceiverRejectedException: webhook 'gone-hook' answered 404 Not Found"],
            await TextsAsync(database, "select concat_ws(' ', channel, state, attempts, last_error) from alerts.notifications where channel <> 'email' order by channel"));
        Assert.Equal(2L, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.deliveries where channel <> 'email' and not succeeded"));
        // Both refusals fell back to the same email recipient: one notification (same dedup key), delivered once.
        Assert.Equal(["email delivered 1"], await TextsAsync(database, "select concat_ws(' ', channel, state, attempts) from alerts.notifications where channel = 'email'"));
        var message = Assert.Single(smtp.Messages);
        Assert.StartsWith("[CRITICAL] FIRING gas-spike", message.Subject, StringComparison.Ordinal);
    }

    private static async Task<List<string>> TextsAsync(Npgsql.NpgsqlDataSource database, string sql)
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

    /// <summary>A webhook endpoint that no longer exists: every request gets 404.</summary>
    private sealed class GoneReceiver : LoopbackReceiver
    {
        public string Url => $"{BaseUrl}/hooks/removed";

        protected override void Map(IEndpointRouteBuilder routes) => routes.MapPost("/hooks/{hook}", () => Results.NotFound());
    }
}
