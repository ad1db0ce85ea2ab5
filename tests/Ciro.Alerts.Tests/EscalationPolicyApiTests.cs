using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ciro.Alerts.Incidents;
using Ciro.Auth;
using Ciro.Messages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>
/// Escalation policies through the API, on real PostgreSQL and a fake clock: admins only, the configuration's
/// validator answering 400 with the field as a JSON path and its value, the configured policies read-only (409), every
/// change audited; an open incident follows its policy's new version from its next step, and stops escalating when its
/// policy is deleted.
/// </summary>
[Collection(AlertsCollection.Name)]
public sealed class EscalationPolicyApiTests(AlertsFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Critical incidents page first@ at once, lead@ 5 minutes later, then both once more (repeat 1).</summary>
    private const string Policy = """
        {"name": "api-oncall", "match": {"severity": "critical"}, "repeat": 1,
         "steps": [{"delay": "00:05:00", "targets": [{"channel": "email", "recipients": ["first@example.org"]}]},
                   {"delay": "00:10:00", "targets": [{"channel": "email", "recipients": ["lead@example.org"]}]}]}
        """;

    [Fact]
    public async Task Admins_edit_policies_with_the_configuration_validator_and_configured_ones_are_read_only()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        await using var alerts = Host(database, smtp, analytics, new FakeTimeProvider(T0),
            ("Alerts:Incidents:EscalationPolicies:0:Name", "configured"),
            ("Alerts:Incidents:EscalationPolicies:0:Steps:0:Targets:0:Channel", "email"),
            ("Alerts:Incidents:EscalationPolicies:0:Steps:0:Targets:0:Recipients:0", "cfg@example.org"));
        var admin = await ClientAsync(alerts, analytics, Roles.Admin, "ada-admin");
        var operatorClient = await ClientAsync(alerts, analytics, Roles.Operator, "otto-oncall");
        var viewer = await ClientAsync(alerts, analytics, Roles.Viewer, "vera-viewer");

        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsync("/api/alerts/escalation-policies", Json(Policy))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/alerts/escalation-policies", Json(Policy))).StatusCode);
        foreach (var (body, field, value, says) in new[]
        {
            (Policy.Replace("\"00:05:00\"", "\"5m\""), "steps[0].delay", "5m", "cannot be read"),
            (Policy.Replace("\"00:05:00\"", "\"00:00:00\""), "steps[0].delay", "00:00:00", "Steps:0:Delay = '00:00:00' must be positive"),
            (Policy.Replace("\"repeat\": 1", "\"repeat\": 101"), "repeat", "101", "Repeat = '101' must be between 0 and 100"),
            (Policy.Replace("[\"lead@example.org\"]", "[]"), "steps[1].targets", null, "Steps:1:Targets must name at least one target"),
            (Policy.Replace("\"repeat\": 1", "\"repeats\": 1"), "repeats", null, "cannot be read"),
            ("""{"name": "empty", "steps": []}""", "steps", "[]", "Steps is empty (policy 'empty')"),
            ("""{"name": "nulls", "steps": null}""", "steps", "null", "cannot be read"),
            ("[1]", "body", "[1]", "must be a JSON object"),
        })
        {
            using var response = await admin.PostAsync("/api/alerts/escalation-policies", Json(body));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {response.StatusCode} {problem}");
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Contains(says, problem.GetProperty("detail").GetString());
            if (value is not null)
            {
                Assert.Contains(value, problem.GetProperty(problem.TryGetProperty("value", out _) ? "value" : "detail").GetString());
            }
        }
        Assert.Equal(0L, await ScalarAsync(database, "select count(*) from alerts.escalation_policies"));

        foreach (var refused in new[]
        {
            await admin.PostAsync("/api/alerts/escalation-policies", Json(Policy.Replace("api-oncall", "configured"))),
            await admin.PutAsync("/api/alerts/escalation-policies/configured", Json(Policy.Replace("api-oncall", "configured"))),
            await admin.DeleteAsync("/api/alerts/escalation-policies/configured"),
        })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("Alerts:Incidents:EscalationPolicies", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/alerts/escalation-policies", Json(Policy))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync("/api/alerts/escalation-policies", Json(Policy))).StatusCode);
        using (var renamed = await admin.PutAsync("/api/alerts/escalation-policies/api-oncall", Json(Policy.Replace("api-oncall", "other"))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
            Assert.Equal("name", (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        var list = await viewer.GetFromJsonAsync<JsonElement>("/api/alerts/escalation-policies");
        Assert.Equal("configured", Assert.Single(list.GetProperty("configured").EnumerateArray()).GetProperty("name").GetString());
        var stored = Assert.Single(list.GetProperty("api").EnumerateArray());
        Assert.Equal(("api-oncall", "00:05:00", "ada-admin"), (stored.GetProperty("policy").GetProperty("name").GetString(),
            stored.GetProperty("policy").GetProperty("steps")[0].GetProperty("delay").GetString(), stored.GetProperty("createdBy").GetString()));
    }

    [Fact]
    public async Task An_open_incident_follows_its_policy_new_version_from_the_next_step_and_stops_when_it_is_deleted()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        var clock = new FakeTimeProvider(T0);
        await using var alerts = Host(database, smtp, analytics, clock);
        var admin = await ClientAsync(alerts, analytics, Roles.Admin, "ada-admin");
        var store = alerts.Services.GetRequiredService<IncidentStore>();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/alerts/escalation-policies", Json(Policy))).StatusCode);

        var (incident, opened) = await store.OpenOrRepeatAsync(Signals.Of("gas-spike", IncidentSeverity.Critical, "L2 gas per call 9x baseline"), default);
        Assert.True(opened);
        Assert.Equal(("api-oncall", T0 + TimeSpan.FromMinutes(5)), (incident.EscalationPolicy, incident.NextEscalationAt));

        // Step 2 now pages the deputy instead of the lead: the open incident's next step uses the new version.
        using (var updated = await admin.PutAsync("/api/alerts/escalation-policies/api-oncall", Json(Policy.Replace("lead@", "deputy@"))))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            Assert.Equal(2, (await updated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        }
        clock.SetUtcNow(T0 + TimeSpan.FromMinutes(5));
        await EscalateDueAsync(store, database, clock);
        Assert.Equal(["first@example.org", "deputy@example.org"], await RecipientsAsync(database, incident.Id));

        // Deleted before the second round is due (+15 min): the incident stops escalating, a new one gets the default notice.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/alerts/escalation-policies/api-oncall")).StatusCode);
        clock.SetUtcNow(T0 + TimeSpan.FromMinutes(16));
        await EscalateDueAsync(store, database, clock);
        Assert.Equal(["first@example.org", "deputy@example.org"], await RecipientsAsync(database, incident.Id));
        Assert.Equal(0L, await ScalarAsync(database, $"select count(*) from alerts.incidents where id = '{incident.Id}' and next_escalation_at is not null"));
        var (other, _) = await store.OpenOrRepeatAsync(Signals.Of("slow-execution", IncidentSeverity.Critical, "p95 4x baseline"), default);
        Assert.Null(other.EscalationPolicy);
        Assert.Equal(["ops@example.org"], await RecipientsAsync(database, other.Id));

        var history = await admin.GetFromJsonAsync<JsonElement>("/api/alerts/escalation-policies/api-oncall/history");
        Assert.Equal(["created 1 ada-admin", "updated 2 ada-admin", "deleted 3 ada-admin"],
            history.EnumerateArray().Select(c => $"{c.GetProperty("action").GetString()} {c.GetProperty("version").GetInt32()} {c.GetProperty("actor").GetString()}"));
        Assert.Equal("deputy@example.org", history[1].GetProperty("definition").GetProperty("steps")[1].GetProperty("targets")[0]
            .GetProperty("recipients")[0].GetString());
    }

    /// <summary>Runs every due step now (the Quartz sweep may run some first; each step is claimed once either way).
    /// A step the sweep holds is skipped by the claim (skip locked), so this waits until no step is due any more,
    /// i.e. the sweep's claim committed too.</summary>
    private static async Task EscalateDueAsync(IncidentStore store, NpgsqlDataSource database, TimeProvider clock)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            while (await store.EscalateNextDueAsync(default))
            {
            }
            await using var due = database.CreateCommand(
                "select count(*) from alerts.incidents where next_escalation_at <= $1 and state <> 'resolved'");
            due.Parameters.AddWithValue(clock.GetUtcNow());
            if ((long)(await due.ExecuteScalarAsync())! == 0 || DateTime.UtcNow > deadline)
            {
                return;
            }
            await Task.Delay(50);
        }
    }

    private static async Task<List<string>> RecipientsAsync(NpgsqlDataSource database, Guid incident)
    {
        await using var command = database.CreateCommand("select recipient from alerts.notifications where incident_id = $1 and kind <> 'resolved' order by id");
        command.Parameters.AddWithValue(incident);
        await using var reader = await command.ExecuteReaderAsync();
        var recipients = new List<string>();
        while (await reader.ReadAsync())
        {
            recipients.Add(reader.GetString(0));
        }
        return recipients;
    }

    private WebApplicationFactory<Rules.AlertsOptions> Host(NpgsqlDataSource database, SmtpCatcher smtp,
        WebApplicationFactory<Analytics.Queries.AnalyticsQueries> analytics, TimeProvider clock, params (string, string)[] settings)
    {
        var host = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(),
                [("Alerts:Email:To:0", "ops@example.org"), ("Alerts:EvaluationInterval", "01:00:00"), .. settings])
            .WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton(clock)));
        _ = host.Server;
        return host;
    }

    // Keys are made by analytics (it manages ciro.api_keys); the alerts service's database role only reads them.
    private static async Task<HttpClient> ClientAsync(WebApplicationFactory<Rules.AlertsOptions> alerts,
        WebApplicationFactory<Ciro.Analytics.Queries.AnalyticsQueries> analytics, string role, string name)
    {
        var key = await analytics.Services.GetRequiredService<ApiKeyStore>().CreateAsync(name, role, default);
        var client = alerts.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key.Key);
        return client;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
