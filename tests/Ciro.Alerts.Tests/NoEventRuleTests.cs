using System.Collections.Concurrent;
using Ciro.Messages;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>"No JobCompleted for 5 minutes" end to end: known chain in PostgreSQL → analytics API → rule on the
/// Quartz schedule → incident → email through MailKit to a real SMTP server.</summary>
[Collection(AlertsCollection.Name)]
public sealed class NoEventRuleTests(AlertsFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Fires_once_per_episode_then_resolves_with_a_second_email()
    {
        await using var database = await fixture.NewDatabaseAsync(
        [
            KnownChain.WithEvents(1, Start, "JobSubmitted", "JobCompleted"),
            KnownChain.WithEvents(2, Start.AddSeconds(120), "JobSubmitted"),
            KnownChain.WithEvents(3, Start.AddSeconds(400), "JobSubmitted"), // 400 s since the last completion
        ]);

        var changes = new ConcurrentQueue<IncidentChanged>();
        await using var listener = await database.OpenConnectionAsync();
        listener.Notification += (_, e) => changes.Enqueue(MessageSerializer.Deserialize<IncidentChanged>(e.Payload));
        await using (var listen = new NpgsqlCommand($"listen {MessageChannels.Incidents.Postgres}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler());
        _ = alerts.Server; // starts the host and its Quartz schedule

        var firing = await smtp.WaitForAsync(m => m.Subject?.Contains("FIRING") == true, Wait);
        Assert.Contains("no-job-completed", firing.Subject);
        Assert.Contains("[CRITICAL]", firing.Subject);
        Assert.Contains("last at block 1, head block 3", firing.TextBody!);

        await Task.Delay(TimeSpan.FromSeconds(3)); // three more evaluations while still breached
        Assert.Single(smtp.Messages);
        Assert.Equal(1L, await ScalarAsync(database, "select count(*) from alerts.incidents where state = 'firing'"));

        await KnownChain.InsertAsync(database, [KnownChain.WithEvents(4, Start.AddSeconds(410), "JobCompleted")]);
        var resolved = await smtp.WaitForAsync(m => m.Subject?.StartsWith("[RESOLVED]", StringComparison.Ordinal) == true, Wait);
        Assert.Contains("no-job-completed", resolved.Subject);
        Assert.Equal(0L, await ScalarAsync(database, "select count(*) from alerts.incidents where state = 'firing'"));
        Assert.Equal(2L, await DeliveredAsync(database, "select count(*) from alerts.deliveries where succeeded and channel = 'email'", 2L));

        // Each transition committed one IncidentChanged: firing, then resolved, for the stored incident.
        while (await listener.WaitAsync(TimeSpan.FromMilliseconds(200)))
        {
        }
        Assert.Equal([IncidentState.Firing, IncidentState.Resolved], changes.Select(c => c.State));
        var id = await GuidAsync(database, "select id from alerts.incidents");
        foreach (var change in changes)
        {
            Assert.Equal(id, change.IncidentId);
            Assert.Equal("no-job-completed", change.Rule);
            Assert.Equal(IncidentSeverity.Critical, change.Severity);
            Assert.Equal(new Dictionary<string, string> { ["event"] = "JobCompleted" }, change.Labels);
        }
        Assert.True(changes.Last().At > changes.First().At);
    }

    private static async Task<Guid> GuidAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task No_data_is_not_an_incident()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler());
        _ = alerts.Server;
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Empty(smtp.Messages);
        Assert.Equal(0L, await ScalarAsync(database, "select count(*) from alerts.incidents"));
    }

    [Fact]
    public async Task A_refusing_smtp_server_is_retried_and_every_attempt_is_recorded()
    {
        await using var database = await fixture.NewDatabaseAsync([KnownChain.WithEvents(1, Start, "JobSubmitted")]);

        await using var smtp = new SmtpCatcher { RefuseNext = 2 };
        await using var analytics = fixture.App(database);
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler());
        _ = alerts.Server;

        var firing = await smtp.WaitForAsync(m => m.Subject?.Contains("FIRING") == true, Wait);
        Assert.Contains("No JobCompleted event indexed at all", firing.TextBody!);
        Assert.Equal(3L, await DeliveredAsync(database, "select coalesce(max(attempts), 0) from alerts.deliveries where succeeded", 3L));
    }

    [Fact]
    public async Task A_relay_that_needs_a_login_gets_the_one_in_the_connection_string()
    {
        await using var database = await fixture.NewDatabaseAsync([KnownChain.WithEvents(1, Start, "JobSubmitted")]);

        // Characters that must be URL-encoded in smtp://user:password@host:port.
        await using var smtp = new SmtpCatcher(new System.Net.NetworkCredential("apikey", "p@ss:w/rd%"));
        await using var analytics = fixture.App(database);
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler());
        _ = alerts.Server;

        var firing = await smtp.WaitForAsync(m => m.Subject?.Contains("FIRING") == true, Wait);
        Assert.Contains("No JobCompleted event indexed at all", firing.TextBody!);
        Assert.Equal(0, smtp.RefusedLogins);
    }

    [Fact]
    public void A_malformed_mail_connection_string_is_refused_without_echoing_its_password()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Ciro.Mail.SmtpEndpoint.Parse("smtp://user:hunter2@relay"));
        Assert.Contains("ConnectionStrings:mail", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
        var endpoint = Ciro.Mail.SmtpEndpoint.Parse("smtps://api%40key:p%40ss%3Aw%2Frd@relay.example:587");
        Assert.Equal(("relay.example", 587, true, "api@key", "p@ss:w/rd"),
            (endpoint.Host, endpoint.Port, endpoint.UseTls, endpoint.Credentials!.UserName, endpoint.Credentials.Password));
    }

    [Fact]
    public async Task Incidents_api_rejects_unknown_state_with_problem_details()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler());
        using var http = alerts.CreateClient();
        var key = await analytics.Services.GetRequiredService<Ciro.Auth.ApiKeyStore>().CreateAsync("reader", Ciro.Auth.Roles.Viewer, default);
        http.DefaultRequestHeaders.Add("X-Api-Key", key.Key);
        using var response = await http.GetAsync("/api/alerts/incidents?state=bogus';drop table x;--");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("state", await response.Content.ReadAsStringAsync());
    }

    /// <summary>The audit row commits just after the receiver has the email (same transaction as the outcome), so
    /// read it until it shows <paramref name="expected"/> or 30 s pass; then return what it shows.</summary>
    private static async Task<long> DeliveredAsync(NpgsqlDataSource database, string sql, long expected)
    {
        var deadline = DateTime.UtcNow + Wait;
        long value;
        while ((value = await ScalarAsync(database, sql)) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        return value;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
