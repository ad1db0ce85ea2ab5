using Ciro.Alerts.Notifiers;
using Ciro.Alerts.Tests.Receivers;
using Ciro.Messages;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>The Telegram channel (Telegram.Bot with its base URL on a Bot API-compatible server on loopback that parses
/// HTML like Telegram and refuses what Telegram refuses).</summary>
[Collection(AlertsCollection.Name)]
public sealed class TelegramDeliveryTests(AlertsFixture fixture)
{
    private const string BotToken = "7301554:AAH-tg-Secret-x9Vq";
    private static readonly string[] Chats = ["-1001234567890", "@ciro_ops"];

    [Fact]
    public async Task Every_chat_gets_escaped_html_cut_to_4096_characters_and_a_429_waits_for_retry_after()
    {
        await using var telegram = new TelegramReceiver(BotToken) { RetryAfterSeconds = 1 };
        telegram.ThrottleNext(1);
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();
        await using var alerts = fixture.Started(database, analytics, smtp, clock: null,
            ("Alerts:Telegram:BotToken", BotToken), ("Alerts:Telegram:BaseUrl", telegram.BaseUrl),
            ("Alerts:Telegram:ChatIds:0", Chats[0]), ("Alerts:Telegram:ChatIds:1", Chats[1]));
        // User text with markup characters everywhere, and long enough (entities make it longer still) to be cut.
        var summary = "Worker <w-7> & peers: success 41 % < 90 % \"floor\"; " + string.Concat(Enumerable.Repeat("<b>x</b> & ", 800));
        var labels = new Dictionary<string, string> { ["worker"] = "w<7>", ["contract"] = "0x04a7" };
        await TestIncidents.OpenAsync(alerts, "failing-worker", IncidentSeverity.Critical, summary, labels, new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero),
            observed: "success 41 % (n=212)", expected: "≥ 90 % & within 3 MAD of peers", dashboardUrl: "http://127.0.0.1:5173/?worker=w-7&from=1&to=2");

        await OutboxClock.WaitUntilAsync(async () => await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where channel = 'telegram' and state = 'delivered'") == 2, database);
        Assert.Empty(telegram.Rejections);
        Assert.Equal(Chats.Order(), telegram.Messages.Select(m => m.ChatId).Order());
        foreach (var (_, html, text) in telegram.Messages)
        {
            Assert.InRange(html.Length, 4000, TelegramHtml.MaxLength);
            Assert.StartsWith("🔴 [CRITICAL] FIRING failing-worker\nWhere: contract=0x04a7, worker=w<7>\nObserved: success 41 % (n=212)\n" +
                "Expected: ≥ 90 % & within 3 MAD of peers\nSince: 2026-11-30 08:00:00 UTC\nOpen in the dashboard\n\nWorker <w-7> & peers: success 41 % < 90 % \"floor\"; <b>x</b> & ", text);
            Assert.EndsWith("…", text);
            Assert.Contains("<a href=\"http://127.0.0.1:5173/?worker=w-7&amp;from=1&amp;to=2\">", html);
        }
        Assert.Equal(3, telegram.Requests); // the 429, then one per chat
        Assert.Matches(@"^ReceiverThrottledException: telegram chat (-1001234567890|@ciro_ops) answered 429, retry after 1 s$",
            await TextAsync(database, "select error from alerts.deliveries where channel = 'telegram' and not succeeded"));
    }

    [Fact]
    public void Cutting_at_every_length_keeps_entities_tags_and_emoji_whole()
    {
        var html = "🔴 <b>" + TelegramHtml.Escape("a<b & \"c\" 🔥") + "</b>\n<a href=\"http://x/?a=1&amp;b=2\"><i>link &amp; more</i></a> tail &gt; end";
        Assert.NotNull(TelegramReceiver.Parse(html));
        for (var max = 12; max <= html.Length + 1; max++)
        {
            var cut = TelegramHtml.Truncate(html, max);
            Assert.True(cut.Length <= max, $"max {max}: {cut.Length} characters");
            Assert.True(TelegramReceiver.Parse(cut) is not null, $"max {max}: Telegram would refuse '{cut}'");
            Assert.False(cut.Contains('\uFFFD') || (cut.Length > 1 && char.IsHighSurrogate(cut[^2]) && cut[^1] == '…'), $"max {max}: half an emoji in '{cut}'");
        }
        Assert.Equal(html, TelegramHtml.Truncate(html, html.Length));
        Assert.Equal("🔴 <b>a&lt;b…</b>", TelegramHtml.Truncate(html, 17));
    }

    private static async Task<string?> TextAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (string?)await command.ExecuteScalarAsync();
    }
}
