using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Ciro.Alerts.Incidents;
using Ciro.Alerts.Notifiers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>The generic webhook channel against a real HTTP receiver on loopback that verifies the signature.</summary>
[Collection(AlertsCollection.Name)]
public sealed class WebhookDeliveryTests(AlertsFixture fixture)
{
    private const string Secret = "whsec-7f3a9c";
    private const string UrlToken = "tok-SECRET-5521"; // a token in the URL, as Discord/Slack-style webhooks have

    [Fact]
    public async Task A_webhook_gets_a_signed_body_and_one_idempotency_key_across_a_retry()
    {
        var received = new ConcurrentQueue<(string? Key, string? Signature, byte[] Body)>();
        var requests = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using var receiver = builder.Build();
        receiver.MapPost($"/hooks/{UrlToken}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue((request.Headers["X-Ciro-Idempotency-Key"], request.Headers["X-Ciro-Signature"], body.ToArray()));
            // The first request fails as a receiver under maintenance would; the outbox must try again.
            return Interlocked.Increment(ref requests) == 1 ? Results.StatusCode(503) : Results.Ok();
        });
        await receiver.StartAsync();
        var url = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(),
            ("Alerts:Webhooks:0:Name", "ops-hook"), ("Alerts:Webhooks:0:Url", $"{url}/hooks/{UrlToken}"), ("Alerts:Webhooks:0:Secret", Secret));
        var store = alerts.Services.GetRequiredService<IncidentStore>();
        var (incident, _) = await store.OpenOrRepeatAsync(Signals.Of("gas-spike", Messages.IncidentSeverity.Critical, "L2 gas per call 9x baseline"), default);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await ScalarAsync(database, "select count(*) from alerts.notifications where channel = 'webhook' and state = 'delivered'") != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "webhook notification not delivered within 60 s");
            await Task.Delay(50);
        }

        Assert.Equal(2, received.Count); // 503, then 200
        var attempts = received.ToArray();
        foreach (var (key, signature, body) in attempts)
        {
            Assert.Equal(WebhookNotifier.Sign(body, Secret), signature); // what a receiver checks with its copy of the secret
            Assert.Equal($"{incident.Id:N}:1:firing:webhook:ops-hook", key);
        }
        Assert.NotEqual(WebhookNotifier.Sign(attempts[1].Body, Secret + "x"), attempts[1].Signature);
        var payload = JsonDocument.Parse(attempts[1].Body).RootElement;
        Assert.Equal("gas-spike", payload.GetProperty("rule").GetString());
        Assert.Equal("firing", payload.GetProperty("transition").GetString());
        Assert.Equal(incident.Id, payload.GetProperty("incidentId").GetGuid());
        Assert.Equal(2, payload.GetProperty("attempt").GetInt32());

        // The audit trail names the endpoint, never its URL token or secret.
        Assert.Equal("HttpRequestException: webhook 'ops-hook' answered 503 Service Unavailable",
            await TextAsync(database, "select error from alerts.deliveries where channel = 'webhook' and not succeeded"));
        Assert.Equal(0, await ScalarAsync(database,
            $"select count(*) from alerts.deliveries d join alerts.notifications n on n.id = d.notification_id where concat(d.error, d.target, n.recipient, n.last_error, n.message::text) ~ '{UrlToken}|{Secret}'"));
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task<string?> TextAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (string?)await command.ExecuteScalarAsync();
    }
}
