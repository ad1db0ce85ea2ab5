using System.Net;
using System.Net.Http.Json;
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

/// <summary>The incident lifecycle on a fake clock against real PostgreSQL and a real SMTP server: escalation steps
/// on time, acknowledgement stopping them, its timeout triggering again, silences, inhibition, resolved notices and
/// two replicas sending one notification per transition. Quartz runs on the same fake clock.</summary>
[Collection(AlertsCollection.Name)]
public sealed class IncidentLifecycleTests(AlertsFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Transfer = new() { ["contract"] = "0xabc", ["function"] = "transfer" };

    /// <summary>Critical incidents page first@ at once, lead@ 5 minutes later, then the steps once more (Repeat 1);
    /// an acknowledgement still open after 30 minutes triggers again.</summary>
    private static readonly (string, string)[] OnCall =
    [
        ("Alerts:Incidents:EscalationPolicies:0:Name", "oncall"),
        ("Alerts:Incidents:EscalationPolicies:0:Match:severity", "critical"),
        ("Alerts:Incidents:EscalationPolicies:0:Steps:0:Delay", "00:05:00"),
        ("Alerts:Incidents:EscalationPolicies:0:Steps:0:Targets:0:Channel", "email"),
        ("Alerts:Incidents:EscalationPolicies:0:Steps:0:Targets:0:Recipients:0", "first@example.org"),
        ("Alerts:Incidents:EscalationPolicies:0:Steps:1:Delay", "00:10:00"),
        ("Alerts:Incidents:EscalationPolicies:0:Steps:1:Targets:0:Channel", "email"),
        ("Alerts:Incidents:EscalationPolicies:0:Steps:1:Targets:0:Recipients:0", "lead@example.org"),
        ("Alerts:Incidents:EscalationPolicies:0:Repeat", "1"),
        ("Alerts:Incidents:EscalationPolicies:0:AckTimeout", "00:30:00"),
    ];

    [Fact]
    public async Task Escalation_steps_fire_on_time_in_order_and_stop_after_the_repeats()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(T0);
        await using var analytics = fixture.App(database);
        await using var alerts = Host(database, smtp, analytics, clock, OnCall);
        var store = alerts.Services.GetRequiredService<IncidentStore>();

        var (incident, opened) = await store.OpenOrRepeatAsync(Signals.Of("gas-spike", IncidentSeverity.Critical, "L2 gas per call 9x baseline", Transfer), default);
        Assert.True(opened);
        Assert.Equal(T0 + TimeSpan.FromMinutes(5), incident.NextEscalationAt);
        await smtp.WaitForAsync(m => m.To.ToString() == "first@example.org", Wait);

        // One second before the step is due, nothing more goes out.
        await AdvanceAsync(clock, TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Equal(1L, await ScalarAsync(database, "select count(*) from alerts.notifications"));

        // Due at +5 min (lead@), +15 min (first@, second round), +20 min (lead@); none after.
        var due = new[] { (5, "lead@example.org"), (15, "first@example.org"), (20, "lead@example.org") };
        foreach (var (minutes, recipient) in due)
        {
            await AdvanceToAsync(clock, database, T0 + TimeSpan.FromMinutes(minutes),
                $"select count(*) from alerts.incident_events where kind = 'escalated' and at >= '{(T0 + TimeSpan.FromMinutes(minutes)):O}'");
            var at = await TimeAsync(database, $"select max(created_at) from alerts.notifications where recipient = '{recipient}'");
            // On time: not before it was due, and late by at most the sweep interval plus the clock nudges of the test.
            Assert.InRange(at, T0 + TimeSpan.FromMinutes(minutes), T0 + TimeSpan.FromMinutes(minutes) + TimeSpan.FromSeconds(3));
        }
        await AdvanceAsync(clock, TimeSpan.FromHours(1));
        Assert.Equal(4L, await ScalarAsync(database, "select count(*) from alerts.notifications"));
        Assert.Equal(3L, await ScalarAsync(database, "select count(*) from alerts.incident_events where kind = 'escalated'"));

        var messages = await WaitForMessagesAsync(smtp, 4, clock);
        Assert.Equal(["first@example.org", "lead@example.org", "first@example.org", "lead@example.org"], messages.Select(m => m.To.ToString()));
        Assert.StartsWith("[CRITICAL] FIRING gas-spike", messages[0].Subject, StringComparison.Ordinal);
        Assert.StartsWith("[CRITICAL] ESCALATED (step 2) gas-spike", messages[1].Subject, StringComparison.Ordinal);
        // The notice is actionable: where, observed against expected, since when, the dashboard link.
        var body = messages[0].TextBody!;
        Assert.Contains("Where:     contract=0xabc, function=transfer", body);
        Assert.Contains("Observed:  412,000 L2 gas per call", body);
        Assert.Contains("Expected:  ≤ 120,000 L2 gas per call", body);
        Assert.Contains("Since:     2026-11-30 09:00:00Z", body);
        Assert.Contains("Dashboard: http://localhost/gas?rule=gas-spike", body);
    }

    [Fact]
    public async Task Acknowledgement_stops_escalation_and_its_timeout_triggers_again_then_resolve_notifies_everyone_paged()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(T0);
        await using var analytics = fixture.App(database);
        await using var alerts = Host(database, smtp, analytics, clock, OnCall);
        var store = alerts.Services.GetRequiredService<IncidentStore>();
        using var operatorClient = await ClientAsync(alerts, analytics, Roles.Operator, "alice");

        var (incident, _) = await store.OpenOrRepeatAsync(Signals.Of("gas-spike", IncidentSeverity.Critical, "L2 gas per call 9x baseline", Transfer), default);
        await AdvanceAsync(clock, TimeSpan.FromMinutes(2));
        using (var ack = await operatorClient.PostAsJsonAsync($"/api/alerts/incidents/{incident.Id}/ack", new { comment = "looking at the contract" }))
        {
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            var acknowledged = await ack.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("acknowledged", acknowledged.GetProperty("state").GetString());
            Assert.Equal("alice", acknowledged.GetProperty("acknowledgedBy").GetString());
        }
        // The step 2 that was due at +5 min never goes out.
        await AdvanceAsync(clock, TimeSpan.FromMinutes(10));
        Assert.Equal(0L, await ScalarAsync(database, "select count(*) from alerts.notifications where recipient = 'lead@example.org'"));
        Assert.Equal(0L, await ScalarAsync(database, "select count(*) from alerts.incident_events where kind = 'escalated'"));

        // Still open 30 min after the acknowledgement (+32 min): it triggers again and escalates from step 1.
        await AdvanceToAsync(clock, database, T0 + TimeSpan.FromMinutes(32), "select count(*) from alerts.incident_events where kind = 'retriggered'");
        Assert.Equal("firing", (await store.GetAsync(incident.Id, default))!.State);
        await AdvanceToAsync(clock, database, T0 + TimeSpan.FromMinutes(37), "select count(*) from alerts.incident_events where kind = 'escalated'");

        using (var resolve = await operatorClient.PostAsJsonAsync($"/api/alerts/incidents/{incident.Id}/resolve", new { note = "bad deploy rolled back" }))
        {
            Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        }
        // first@: firing, acknowledged, retriggered, resolved; lead@: escalated, resolved.
        var messages = await WaitForMessagesAsync(smtp, 6, clock);
        Assert.Equal(
            ["[CRITICAL] FIRING", "[ACKNOWLEDGED]", "[CRITICAL] RE-TRIGGERED", "[RESOLVED]"],
            messages.Where(m => m.To.ToString() == "first@example.org").Select(m => m.Subject![..m.Subject!.IndexOf(" gas-spike", StringComparison.Ordinal)].Replace(" (acknowledgement timed out)", "")));
        Assert.Equal(["[CRITICAL] ESCALATED (step 2)", "[RESOLVED]"],
            messages.Where(m => m.To.ToString() == "lead@example.org").Select(m => m.Subject![..m.Subject!.IndexOf(" gas-spike", StringComparison.Ordinal)]));
        Assert.Contains("By:        alice: looking at the contract", messages.Single(m => m.Subject!.StartsWith("[ACKNOWLEDGED]", StringComparison.Ordinal)).TextBody);

        // The timeline: every transition with who and why, and every delivery attempt.
        var timeline = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/alerts/incidents/{incident.Id}/timeline");
        var transitions = timeline.EnumerateArray().Where(e => !e.GetProperty("kind").GetString()!.StartsWith("delivery:", StringComparison.Ordinal))
            .Select(e => (e.GetProperty("kind").GetString(), e.GetProperty("actor").GetString())).ToList();
        Assert.Equal([("firing", "rule:gas-spike"), ("acknowledged", "alice"), ("retriggered", "ack-timeout"), ("escalated", "escalation:oncall"), ("resolved", "alice")], transitions);
        await WaitUntilAsync(async () => await ScalarAsync(database, "select count(*) from alerts.deliveries where succeeded") == 6);
        timeline = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/alerts/incidents/{incident.Id}/timeline");
        // Every attempt is there; an attempt the test's clock jumps timed out shows as failed, then its retry.
        Assert.Equal(6, timeline.EnumerateArray().Count(e => e.GetProperty("kind").GetString()!.StartsWith("delivery:", StringComparison.Ordinal)
            && e.GetProperty("succeeded").GetBoolean()));
        Assert.Equal(await ScalarAsync(database, "select count(*) from alerts.deliveries"),
            timeline.EnumerateArray().Count(e => e.GetProperty("kind").GetString()!.StartsWith("delivery:", StringComparison.Ordinal)));
        Assert.Equal("bad deploy rolled back", timeline.EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "resolved").GetProperty("comment").GetString());
    }

    [Fact]
    public async Task A_silence_holds_back_matching_incidents_and_its_expiry_lets_the_next_signal_through()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(T0);
        await using var analytics = fixture.App(database);
        await using var alerts = Host(database, smtp, analytics, clock);
        var store = alerts.Services.GetRequiredService<IncidentStore>();
        using var operatorClient = await ClientAsync(alerts, analytics, Roles.Operator, "bob");

        using (var create = await operatorClient.PostAsJsonAsync("/api/alerts/silences", new
        {
            matchers = new object[] { new { name = "contract", value = "0xabc" }, new { name = "function", value = "trans.*", op = "=~" } },
            endsAt = T0 + TimeSpan.FromMinutes(10),
            comment = "upgrading the contract",
        }))
        {
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
            Assert.Equal("bob", (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("author").GetString());
        }

        var warning = Signals.Of("slow-execution", IncidentSeverity.Warning, "p95 inclusion 40 s", Transfer);
        var (silenced, _) = await store.OpenOrRepeatAsync(warning, default);
        Assert.StartsWith("silence ", silenced.SuppressedBy, StringComparison.Ordinal);
        Assert.EndsWith(" by bob", silenced.SuppressedBy, StringComparison.Ordinal);
        var other = Signals.Of("slow-execution", IncidentSeverity.Warning, "p95 inclusion 40 s", new Dictionary<string, string> { ["contract"] = "0xdef", ["function"] = "transfer" });
        var (notSilenced, _) = await store.OpenOrRepeatAsync(other, default);
        Assert.Null(notSilenced.SuppressedBy);
        Assert.Equal(0L, await ScalarAsync(database, $"select count(*) from alerts.notifications where incident_id = '{silenced.Id}'"));
        Assert.Equal(1L, await ScalarAsync(database, $"select count(*) from alerts.notifications where incident_id = '{notSilenced.Id}'"));

        // Still silenced at +9 min: the repeat is counted, nothing sent.
        await AdvanceAsync(clock, TimeSpan.FromMinutes(9));
        Assert.Equal(2, (await store.OpenOrRepeatAsync(warning, default)).Incident.Repeats);
        Assert.Equal(0L, await ScalarAsync(database, $"select count(*) from alerts.notifications where incident_id = '{silenced.Id}'"));

        // Expired at +10 min: the next signal sends the notice.
        await AdvanceAsync(clock, TimeSpan.FromMinutes(2));
        var (released, opened) = await store.OpenOrRepeatAsync(warning, default);
        Assert.False(opened);
        Assert.Equal((3, null), (released.Repeats, released.SuppressedBy));
        Assert.Equal(1L, await ScalarAsync(database, $"select count(*) from alerts.notifications where incident_id = '{silenced.Id}' and kind = 'firing'"));
        await WaitForMessagesAsync(smtp, 2, clock);

        var active = await operatorClient.GetFromJsonAsync<JsonElement>("/api/alerts/silences");
        Assert.Equal(0, active.GetArrayLength());
        Assert.Equal(1, (await operatorClient.GetFromJsonAsync<JsonElement>("/api/alerts/silences?expired=true")).GetArrayLength());
    }

    [Fact]
    public async Task An_incident_opened_in_a_mute_window_is_notified_by_the_first_signal_after_the_window()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(T0); // Monday 09:00 UTC
        await using var analytics = fixture.App(database);
        await using var alerts = Host(database, smtp, analytics, clock,
            ("Alerts:Incidents:MuteTimeWindows:0:Name", "monday-deploys"), ("Alerts:Incidents:MuteTimeWindows:0:Days:0", "Monday"),
            ("Alerts:Incidents:MuteTimeWindows:0:Start", "08:45"), ("Alerts:Incidents:MuteTimeWindows:0:End", "09:30"),
            ("Alerts:Incidents:MuteTimeWindows:0:Match:contract", "0xabc"));
        var store = alerts.Services.GetRequiredService<IncidentStore>();

        var signal = Signals.Of("gas-spike", IncidentSeverity.Critical, "L2 gas per call 9x baseline", Transfer);
        var (muted, _) = await store.OpenOrRepeatAsync(signal, default);
        Assert.Equal("mute window 'monday-deploys'", muted.SuppressedBy);
        await AdvanceAsync(clock, TimeSpan.FromMinutes(29));
        Assert.Equal("mute window 'monday-deploys'", (await store.OpenOrRepeatAsync(signal, default)).Incident.SuppressedBy);
        Assert.Equal(0L, await ScalarAsync(database, "select count(*) from alerts.notifications"));

        await AdvanceAsync(clock, TimeSpan.FromMinutes(1)); // 09:30: the window has ended
        Assert.Null((await store.OpenOrRepeatAsync(signal, default)).Incident.SuppressedBy);
        var message = Assert.Single(await WaitForMessagesAsync(smtp, 1, clock));
        Assert.StartsWith("[CRITICAL] FIRING gas-spike", message.Subject, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync(database, $"select count(*) from alerts.incident_events where incident_id = '{muted.Id}' and kind = 'suppressed'"));
    }

    [Fact]
    public async Task An_open_critical_incident_inhibits_warnings_with_the_same_labels_until_it_resolves()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(T0);
        await using var analytics = fixture.App(database);
        await using var alerts = Host(database, smtp, analytics, clock);
        var store = alerts.Services.GetRequiredService<IncidentStore>();

        var critical = Signals.Of("gas-spike", IncidentSeverity.Critical, "L2 gas per call 9x baseline", Transfer);
        var (spike, _) = await store.OpenOrRepeatAsync(critical, default);
        var warning = Signals.Of("slow-execution", IncidentSeverity.Warning, "p95 inclusion 40 s", Transfer);
        var (slow, _) = await store.OpenOrRepeatAsync(warning, default);
        Assert.Equal($"inhibited by critical incident {spike.Id}", slow.SuppressedBy);
        var elsewhere = Signals.Of("slow-execution", IncidentSeverity.Warning, "p95 inclusion 40 s", new Dictionary<string, string> { ["contract"] = "0xdef", ["function"] = "transfer" });
        Assert.Null((await store.OpenOrRepeatAsync(elsewhere, default)).Incident.SuppressedBy);

        Assert.NotNull(await store.ResolveAsync(critical.DedupKey, critical.RuleId, default));
        Assert.Null((await store.OpenOrRepeatAsync(warning, default)).Incident.SuppressedBy);
        // Spike: firing + resolved; elsewhere: firing; slow: firing once released (never a resolved notice of a spike it did not send).
        Assert.Equal([("firing", 1L), ("resolved", 1L)], await KindsAsync(database, spike.Id));
        Assert.Equal([("firing", 1L)], await KindsAsync(database, slow.Id));
        await WaitForMessagesAsync(smtp, 4, clock);
    }

    [Fact]
    public async Task Two_replicas_send_one_notification_per_escalation_step()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(T0);
        await using var analytics = fixture.App(database);
        await using var first = Host(database, smtp, analytics, clock, OnCall);
        await using var second = Host(database, smtp, analytics, clock, OnCall);
        var stores = new[] { first.Services.GetRequiredService<IncidentStore>(), second.Services.GetRequiredService<IncidentStore>() };

        const int incidents = 10;
        for (var i = 0; i < incidents; i++)
        {
            // Both replicas see each breach: one opens it, the other counts a repeat.
            var signal = Signals.Of("gas-spike", IncidentSeverity.Critical, "L2 gas per call 9x baseline", new Dictionary<string, string> { ["contract"] = $"0x{i:x}" });
            var results = await Task.WhenAll(stores.Select(s => s.OpenOrRepeatAsync(signal, default)));
            Assert.Single(results, r => r.Opened);
        }
        foreach (var minutes in new[] { 5, 15, 20 })
        {
            await AdvanceToAsync(clock, database, T0 + TimeSpan.FromMinutes(minutes),
                $"select count(*) from alerts.notifications where created_at >= '{(T0 + TimeSpan.FromMinutes(minutes)):O}'", incidents);
        }
        await AdvanceAsync(clock, TimeSpan.FromMinutes(30));
        const int expected = incidents * 4; // first notice + three escalation steps, one recipient each
        Assert.Equal(expected, await ScalarAsync(database, "select count(*) from alerts.notifications"));
        var messages = await WaitForMessagesAsync(smtp, expected, clock);
        Assert.Equal(expected, messages.Select(m => m.Headers["X-Ciro-Idempotency-Key"]).Distinct().Count());
        Assert.Equal(incidents * 3L, await ScalarAsync(database, "select count(*) from alerts.incident_events where kind = 'escalated'"));
        Assert.Equal(incidents * 2L, await ScalarAsync(database, "select sum(repeats) from alerts.incidents"));
    }

    [Fact]
    public async Task The_api_needs_a_key_viewers_read_operators_act_and_bad_input_names_the_field()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        await using var alerts = Host(database, smtp, analytics, TimeProvider.System);
        var store = alerts.Services.GetRequiredService<IncidentStore>();
        var (incident, _) = await store.OpenOrRepeatAsync(Signals.Of("gas-spike", IncidentSeverity.Critical, "L2 gas per call 9x baseline", Transfer), default);
        using var anonymous = alerts.CreateClient();
        using var viewer = await ClientAsync(alerts, analytics, Roles.Viewer, "vera");
        using var operatorClient = await ClientAsync(alerts, analytics, Roles.Operator, "olga");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/alerts/incidents")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync($"/api/alerts/incidents/{incident.Id}/ack", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/alerts/silences")).StatusCode);
        using (var wrongKey = alerts.CreateClient())
        {
            wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "ciro_000000000000_wrong");
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("/api/alerts/incidents")).StatusCode);
        }

        var list = await viewer.GetFromJsonAsync<JsonElement>("/api/alerts/incidents?state=open&label=contract:0xabc");
        Assert.Equal(incident.Id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(0, (await viewer.GetFromJsonAsync<JsonElement>("/api/alerts/incidents?label=contract:0xdef")).GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/alerts/incidents/{incident.Id}/ack", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/alerts/incidents/{incident.Id}/resolve", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/alerts/silences", new { })).StatusCode);
        Assert.Equal("firing", (await store.GetAsync(incident.Id, default))!.State);

        await AssertProblemAsync(await operatorClient.PostAsJsonAsync($"/api/alerts/incidents/{Guid.NewGuid()}/ack", new { }), HttpStatusCode.NotFound, null);
        await AssertProblemAsync(await viewer.GetAsync($"/api/alerts/incidents/{Guid.NewGuid()}"), HttpStatusCode.NotFound, null);
        await AssertProblemAsync(await viewer.GetAsync("/api/alerts/incidents/not-a-uuid"), HttpStatusCode.BadRequest, "id");
        await AssertProblemAsync(await viewer.GetAsync("/api/alerts/incidents?severity=urgent"), HttpStatusCode.BadRequest, "severity");
        await AssertProblemAsync(await viewer.GetAsync("/api/alerts/incidents?label=contract"), HttpStatusCode.BadRequest, "label");
        await AssertProblemAsync(await operatorClient.PostAsJsonAsync($"/api/alerts/incidents/{incident.Id}/ack", new { comment = new string('x', 2001) }),
            HttpStatusCode.BadRequest, "comment");
        await AssertProblemAsync(await operatorClient.PostAsJsonAsync("/api/alerts/silences", new { endsAt = DateTimeOffset.UtcNow.AddHours(1), comment = "x" }),
            HttpStatusCode.BadRequest, "matchers");
        await AssertProblemAsync(await operatorClient.PostAsJsonAsync("/api/alerts/silences",
            new { matchers = new[] { new { name = "contract", value = "(", op = "=~" } }, endsAt = DateTimeOffset.UtcNow.AddHours(1), comment = "x" }),
            HttpStatusCode.BadRequest, "matchers[0]");
        await AssertProblemAsync(await operatorClient.PostAsJsonAsync("/api/alerts/silences",
            new { matchers = new[] { new { name = "contract", value = "0xabc" } }, endsAt = DateTimeOffset.UtcNow.AddHours(-1), comment = "x" }),
            HttpStatusCode.BadRequest, "endsAt");

        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PostAsJsonAsync($"/api/alerts/incidents/{incident.Id}/ack", new { comment = "mine" })).StatusCode);
        await AssertProblemAsync(await operatorClient.PostAsJsonAsync($"/api/alerts/incidents/{incident.Id}/ack", new { }), HttpStatusCode.Conflict, null);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PostAsync($"/api/alerts/incidents/{incident.Id}/resolve", null)).StatusCode);

        var stats = await viewer.GetFromJsonAsync<JsonElement>("/api/alerts/incidents/stats");
        Assert.Equal((1, 1, 1), (stats.GetProperty("incidents").GetInt32(), stats.GetProperty("acknowledged").GetInt32(), stats.GetProperty("resolved").GetInt32()));
        Assert.True(stats.GetProperty("meanTimeToAcknowledgeSeconds").GetDouble() <= stats.GetProperty("meanTimeToResolveSeconds").GetDouble());
    }

    private WebApplicationFactory<Ciro.Alerts.Rules.AlertsOptions> Host(NpgsqlDataSource database, SmtpCatcher smtp,
        WebApplicationFactory<Ciro.Analytics.Queries.AnalyticsQueries> analytics, TimeProvider clock, params (string, string)[] settings)
    {
        var host = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(),
                [("Alerts:Email:To:0", "ops@example.org"), ("Alerts:Incidents:EscalationSweepInterval", "00:00:00.200"), .. settings])
            .WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton(clock)));
        _ = host.Server;
        return host;
    }

    // Keys are made by analytics (it manages ciro.api_keys); the alerts service's database role only reads them.
    private static async Task<HttpClient> ClientAsync(WebApplicationFactory<Ciro.Alerts.Rules.AlertsOptions> alerts,
        WebApplicationFactory<Ciro.Analytics.Queries.AnalyticsQueries> analytics, string role, string name)
    {
        var key = await analytics.Services.GetRequiredService<ApiKeyStore>().CreateAsync(name, role, default);
        var client = alerts.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key.Key);
        return client;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            if (field is not null)
            {
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(field, problem.GetProperty("field").GetString());
            }
        }
    }

    /// <summary>Moves the fake clock in one step and gives the escalation sweep (200 ms, on the same clock) time to look.</summary>
    private static async Task AdvanceAsync(FakeTimeProvider clock, TimeSpan by)
    {
        clock.Advance(by);
        await Task.Delay(TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromMilliseconds(200));
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    /// <summary>Sets the fake clock to <paramref name="at"/>, then waits (real time) until <paramref name="countSql"/>
    /// reaches <paramref name="expected"/>, nudging the clock by 200 ms (one sweep interval) every 2 s of waiting.</summary>
    private static async Task AdvanceToAsync(FakeTimeProvider clock, NpgsqlDataSource database, DateTimeOffset at, string countSql, long expected = 1)
    {
        clock.Advance(at - clock.GetUtcNow());
        var nudgeAt = DateTime.UtcNow.AddSeconds(2);
        await WaitUntilAsync(async () =>
        {
            if (DateTime.UtcNow > nudgeAt)
            {
                clock.Advance(TimeSpan.FromMilliseconds(200));
                nudgeAt = DateTime.UtcNow.AddSeconds(2);
            }
            return await ScalarAsync(database, countSql) >= expected;
        });
    }

    /// <summary>Waits until the SMTP server holds <paramref name="count"/> messages, moving the fake clock 1 s every
    /// 2 s of waiting: an attempt the test's clock jumps timed out is retried after its backoff on that clock.</summary>
    private static async Task<List<MimeKit.MimeMessage>> WaitForMessagesAsync(SmtpCatcher smtp, int count, FakeTimeProvider? clock = null)
    {
        var nudgeAt = DateTime.UtcNow.AddSeconds(2);
        await WaitUntilAsync(() =>
        {
            if (clock is not null && DateTime.UtcNow > nudgeAt)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                nudgeAt = DateTime.UtcNow.AddSeconds(2);
            }
            return Task.FromResult(smtp.Messages.Count >= count);
        });
        await Task.Delay(TimeSpan.FromSeconds(1)); // and no more
        Assert.Equal(count, smtp.Messages.Count);
        // In transition order (the sequence in the idempotency key), whatever order retries arrived in.
        return [.. smtp.Messages.OrderBy(m => int.Parse(m.Headers["X-Ciro-Idempotency-Key"]!.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture))];
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met within {Wait}");
            }
            await Task.Delay(50);
        }
    }

    private static async Task<List<(string, long)>> KindsAsync(NpgsqlDataSource database, Guid incident)
    {
        await using var command = database.CreateCommand("select kind, count(*) from alerts.notifications where incident_id = $1 group by kind order by kind");
        command.Parameters.AddWithValue(incident);
        await using var reader = await command.ExecuteReaderAsync();
        var kinds = new List<(string, long)>();
        while (await reader.ReadAsync())
        {
            kinds.Add((reader.GetString(0), reader.GetInt64(1)));
        }
        return kinds;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task<DateTimeOffset> TimeAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync())!, TimeSpan.Zero);
    }
}
