using Ciro.Alerts.Tests.Receivers;
using Ciro.Messages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>The Discord channel against a Discord-compatible webhook server on loopback that enforces Discord's
/// limits and rate-limits with 429 + Retry-After.</summary>
[Collection(AlertsCollection.Name)]
public sealed class DiscordDeliveryTests(AlertsFixture fixture)
{
    private const string Token = "dw-token-Zq81xPp0";
    private static readonly Dictionary<string, string> Labels = new() { ["contract"] = "0x04a7", ["function"] = "transfer" };

    [Fact]
    public async Task A_long_incident_arrives_within_discords_limits_and_says_what_where_observed_expected_since()
    {
        await using var discord = new DiscordReceiver(Token);
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();
        await using var alerts = Host(database, analytics, smtp, discord);
        // 9,000 characters ending in emoji (surrogate pairs): longer than a description (4,096) and than content (2,000).
        var summary = "L2 gas per call of transfer is 9.3x its seasonal baseline. " + string.Concat(Enumerable.Repeat("🔥 spike ", 1000));
        var incident = await TestIncidents.OpenAsync(alerts, "gas-spike", IncidentSeverity.Critical, summary, Labels, new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero),
            observed: "412,000 L2 gas per call", expected: "≤ 50,000 (baseline 44,300)", dashboardUrl: "http://127.0.0.1:5173/?contract=0x04a7");
        Assert.Equal(["discord", "email"], await ChannelsAsync(database)); // no routes: every channel with its recipients

        await OutboxClock.WaitUntilAsync(async () => await OutboxClock.ScalarAsync(database, "select count(*) from alerts.notifications where channel = 'discord' and state = 'delivered'") == 1, database);
        Assert.Empty(discord.Rejections);
        var body = Assert.Single(discord.Messages);
        var content = body.GetProperty("content").GetString()!;
        Assert.Equal(2000, content.Length);
        Assert.StartsWith("[CRITICAL] FIRING gas-spike: L2 gas per call of transfer is 9.3x", content);
        var embed = Assert.Single(body.GetProperty("embeds").EnumerateArray());
        Assert.Equal(256, embed.GetProperty("title").GetString()!.Length);
        var description = embed.GetProperty("description").GetString()!;
        Assert.Equal(4096, description.Length);
        Assert.EndsWith("…", description);
        Assert.False(char.IsHighSurrogate(description[^2])); // never half an emoji
        Assert.Equal("http://127.0.0.1:5173/?contract=0x04a7", embed.GetProperty("url").GetString());
        Assert.Equal(0xE53935, embed.GetProperty("color").GetInt32());
        var fields = embed.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString()!);
        Assert.Equal(new Dictionary<string, string>
        {
            ["Where"] = "contract=0x04a7, function=transfer",
            ["Observed"] = "412,000 L2 gas per call",
            ["Expected"] = "≤ 50,000 (baseline 44,300)",
            ["Since"] = "2026-11-30 09:15:00 UTC",
        }, fields);
        Assert.Equal(1, discord.AcceptedByKey[$"{incident.Id:N}:1:firing:discord:ops"]);
    }

    [Fact]
    public async Task A_429_is_retried_after_its_retry_after_not_sooner()
    {
        await using var discord = new DiscordReceiver(Token) { RetryAfter = TimeSpan.FromSeconds(90) };
        discord.ThrottleNext(1);
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var alerts = Host(database, analytics, smtp, discord, clock);
        await TestIncidents.OpenAsync(alerts, "slow-execution", IncidentSeverity.Warning, "p95 inclusion 41 s", Labels, clock.GetUtcNow());
        const string delivered = "select count(*) from alerts.notifications where channel = 'discord' and state = 'delivered'";

        await OutboxClock.WaitUntilAsync(async () => discord.Requests == 1 && await OutboxClock.ScalarAsync(database, "select count(*) from alerts.deliveries where channel = 'discord'") == 1, database);
        var throttledAt = clock.GetUtcNow();
        // Backoff alone would retry within a second; the server asked for 90 s.
        await OutboxClock.AdvanceAsync(clock, database, TimeSpan.FromSeconds(85));
        Assert.Equal(1, discord.Requests);
        Assert.Equal(0, await OutboxClock.ScalarAsync(database, delivered));
        await OutboxClock.AdvanceAsync(clock, database, TimeSpan.FromSeconds(30), until: async () => await OutboxClock.ScalarAsync(database, delivered) == 1);
        Assert.Equal(2, discord.Requests);
        Assert.Equal(1, discord.Accepted);
        Assert.Equal("ReceiverThrottledException: discord 'ops' answered 429, retry after 90 s",
            await TextAsync(database, "select error from alerts.deliveries where channel = 'discord' and not succeeded"));
        var dueAfterThrottle = await TextAsync(database, "select (extract(epoch from d.at - $1::timestamptz))::int::text from alerts.deliveries d where channel = 'discord' and succeeded", throttledAt);
        Assert.InRange(int.Parse(dueAfterThrottle!), 90, 100);
    }

    private WebApplicationFactory<Rules.AlertsOptions> Host(NpgsqlDataSource database, WebApplicationFactory<Analytics.Queries.AnalyticsQueries> analytics,
        SmtpCatcher smtp, DiscordReceiver discord, TimeProvider? clock = null) =>
        fixture.Started(database, analytics, smtp, clock, ("Alerts:Discord:Webhooks:0:Name", "ops"), ("Alerts:Discord:Webhooks:0:Url", discord.WebhookUrl));

    private static async Task<List<string>> ChannelsAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("select channel from alerts.notifications order by channel");
        await using var reader = await command.ExecuteReaderAsync();
        var channels = new List<string>();
        while (await reader.ReadAsync())
        {
            channels.Add(reader.GetString(0));
        }
        return channels;
    }

    private static async Task<string?> TextAsync(NpgsqlDataSource database, string sql, params object[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }
        return (string?)await command.ExecuteScalarAsync();
    }
}
