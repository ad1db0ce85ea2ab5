using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ciro.Alerts.Rules;
using Ciro.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>
/// API rules on two Alerts replicas sharing one PostgreSQL: an admin creates, changes, disables and deletes a rule on
/// replica A and replica B's evaluator follows each change at its next evaluation (no restart); operators and viewers
/// cannot edit; a bad body is a 400 naming the field and value the rule files' reader names; the rules of the rule
/// files are listed with their file and refused (409) for every change; every change is audited with its author.
/// </summary>
[Collection(AlertsCollection.Name)]
public sealed class RuleEditApiTests(AlertsFixture fixture) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ciro-rule-edit-");

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>No call of this function exists, so with noData: alerting the rule fires at its first evaluation.</summary>
    private const string Rule = """
        {"id": "api-gas", "kind": "gas-spike", "function": "no_such_function", "window": "5m", "threshold": 1000, "noData": "alerting",
         "severity": "critical", "labels": {"team": "core"}}
        """;

    [Fact]
    public async Task Admin_edits_reach_the_other_replica_and_are_audited_while_file_rules_stay_read_only()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "file-rules.yaml"), "id: congestion\nkind: network-congestion\nwindow: 5m\nthreshold: 0.8\n");
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        var keys = analytics.Services.GetRequiredService<ApiKeyStore>();
        var alertsKey = (await keys.CreateAsync("alerts", Roles.Viewer, default)).Key;
        // A long timer: only the test's own evaluations run, so what replica B does is what B's evaluator read.
        (string, string)[] settings = [("Alerts:RulesPath", _folder.FullName), ("Ciro:AnalyticsApiKey", alertsKey), ("Alerts:EvaluationInterval", "01:00:00")];
        await using var replicaA = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(), settings);
        await using var replicaB = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(), settings);
        var admin = Client(replicaA, (await keys.CreateAsync("ada-admin", Roles.Admin, default)).Key);
        var operatorClient = Client(replicaA, (await keys.CreateAsync("otto-oncall", Roles.Operator, default)).Key);
        var viewerB = Client(replicaB, (await keys.CreateAsync("vera-viewer", Roles.Viewer, default)).Key);
        var evaluatorB = replicaB.Services.GetRequiredService<LiveRuleEvaluator>();

        Assert.Equal(HttpStatusCode.Unauthorized, (await replicaA.CreateClient().PostAsync("/api/rules", Json(Rule))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsync("/api/rules", Json(Rule))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewerB.PostAsync("/api/rules", Json(Rule))).StatusCode);
        Assert.Equal(0L, await ScalarAsync(database, "select count(*) from alerts.rules"));

        using (var created = await admin.PostAsync("/api/rules", Json(Rule)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var view = await created.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((1, "ada-admin", "api"), (view.GetProperty("version").GetInt32(), view.GetProperty("createdBy").GetString(),
                view.GetProperty("rule").GetProperty("source").GetString()));
        }
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync("/api/rules", Json(Rule))).StatusCode);

        // Replica B lists both rules with their source, and its evaluator fires the new one at its next evaluation.
        var list = await viewerB.GetFromJsonAsync<JsonElement>("/api/rules");
        Assert.Equal(["api-gas:api", "congestion:file-rules.yaml"],
            list.GetProperty("rules").EnumerateArray().Select(r => $"{r.GetProperty("id").GetString()}:{r.GetProperty("source").GetString()}").Order());
        await evaluatorB.EvaluateAllAsync(CancellationToken.None);
        Assert.Equal(RulePhase.Firing, Assert.Single(evaluatorB.StatesOf("api-gas")).Value.Phase);
        Assert.Equal(1L, await ScalarAsync(database, "select count(*) from alerts.incidents where rule = 'api-gas' and severity = 'critical' and labels->>'team' = 'core'"));

        // A change of a field reaches B: its next read has the new severity.
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PutAsync("/api/rules/api-gas", Json(Rule))).StatusCode);
        using (var updated = await admin.PutAsync("/api/rules/api-gas", Json(Rule.Replace("\"id\": \"api-gas\", ", "").Replace("critical", "info"))))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            Assert.Equal(2, (await updated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        }
        var viewB = await viewerB.GetFromJsonAsync<JsonElement>("/api/rules/api-gas");
        Assert.Equal("info", viewB.GetProperty("rule").GetProperty("severity").GetString());

        // Disabled on A: B's evaluator drops the rule and its series.
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsync("/api/rules/api-gas/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/rules/api-gas/disable", null)).StatusCode);
        await evaluatorB.EvaluateAllAsync(CancellationToken.None);
        Assert.Empty(evaluatorB.StatesOf("api-gas"));
        Assert.False((await viewerB.GetFromJsonAsync<JsonElement>("/api/rules/api-gas")).GetProperty("rule").GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/rules/api-gas/enable", null)).StatusCode);
        await evaluatorB.EvaluateAllAsync(CancellationToken.None);
        Assert.Single(evaluatorB.StatesOf("api-gas"));

        // Deleted on A: gone from B's list and evaluation.
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.DeleteAsync("/api/rules/api-gas")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/rules/api-gas")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/rules/api-gas")).StatusCode);
        await evaluatorB.EvaluateAllAsync(CancellationToken.None);
        Assert.Empty(evaluatorB.StatesOf("api-gas"));
        Assert.Equal(HttpStatusCode.NotFound, (await viewerB.GetAsync("/api/rules/api-gas")).StatusCode);

        // The audit trail: every change, its version and who made it (the deletion leaves no definition).
        var history = await viewerB.GetFromJsonAsync<JsonElement>("/api/rules/api-gas/history");
        Assert.Equal(["created 1 ada-admin", "updated 2 ada-admin", "disabled 3 ada-admin", "enabled 4 ada-admin", "deleted 5 ada-admin"],
            history.EnumerateArray().Select(c => $"{c.GetProperty("action").GetString()} {c.GetProperty("version").GetInt32()} {c.GetProperty("actor").GetString()}"));
        Assert.Equal(JsonValueKind.Null, history[4].GetProperty("definition").ValueKind);
        Assert.Equal("info", history[1].GetProperty("definition").GetProperty("severity").GetString());

        // The file's rule: listed, readable, and read-only for every change, with the file named.
        foreach (var refused in new[]
        {
            await admin.PostAsync("/api/rules", Json("""{"id": "congestion", "kind": "network-congestion", "window": "5m", "threshold": 0.5}""")),
            await admin.PutAsync("/api/rules/congestion", Json("""{"kind": "network-congestion", "window": "5m", "threshold": 0.5}""")),
            await admin.PostAsync("/api/rules/congestion/disable", null),
            await admin.DeleteAsync("/api/rules/congestion"),
        })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("file-rules.yaml", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        Assert.Equal(5L, await ScalarAsync(database, "select count(*) from alerts.rule_changes"));
    }

    [Fact]
    public async Task A_bad_definition_is_a_400_naming_the_field_and_value_as_a_rule_file_would()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        var keys = analytics.Services.GetRequiredService<ApiKeyStore>();
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(), ("Alerts:EvaluationInterval", "01:00:00"));
        var admin = Client(alerts, (await keys.CreateAsync("ada-admin", Roles.Admin, default)).Key);

        foreach (var (body, field, value, says) in new[]
        {
            ("""{"id": "slow", "kind": "slow-execution", "window": "forever", "threshold": 2}""", "window", "forever", "'forever' must be a duration"),
            ("""{"id": "slow", "kind": "slow-exec", "window": "5m", "threshold": 2}""", "kind", "slow-exec", "'slow-exec' must be one of gas-spike"),
            ("""{"id": "slow", "kind": "slow-execution", "window": "5m"}""", "threshold", null, "threshold: is required"),
            ("""{"id": "Slow!", "kind": "slow-execution", "window": "5m", "threshold": 2}""", "id", "Slow!", "'Slow!' must be lower-case letters"),
            ("""{"id": "slow", "kind": "slow-execution", "window": "5m", "threshold": 2, "treshold": 3}""", "treshold", "3", "is not a rule field"),
            ("""{"id": "gas", "kind": "gas-spike", "window": "5m", "threshold": 2}""", "function", null, "is required for gas-spike"),
            ("""{"id": "slow", "kind": "slow-execution", "window": "5m", "threshold": 2, "recovery": 3}""", "recovery", "3", "must not be above threshold 2"),
            ("""{"rules": [{"id": "slow"}]}""", "rules", null, "the body is one rule"),
        })
        {
            using var response = await admin.PostAsync("/api/rules", Json(body));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(field, problem.GetProperty("field").GetString());
            if (problem.TryGetProperty("value", out var shown) && shown.ValueKind != JsonValueKind.Null)
            {
                Assert.Equal(value, shown.GetString());
            }
            else
            {
                Assert.Null(value);
            }
            Assert.Contains(says, problem.GetProperty("detail").GetString());
        }
        // The same for a change, and the id in the body must be the path's.
        using (var seeded = await admin.PostAsync("/api/rules", Json("""{"id": "slow", "kind": "slow-execution", "window": "5m", "threshold": 2}""")))
        {
            Assert.Equal(HttpStatusCode.Created, seeded.StatusCode);
        }
        using (var renamed = await admin.PutAsync("/api/rules/slow", Json("""{"id": "fast", "kind": "slow-execution", "window": "5m", "threshold": 2}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
            Assert.Equal("id", (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        using (var bad = await admin.PutAsync("/api/rules/slow", Json("""{"kind": "slow-execution", "window": "5m", "threshold": "high"}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("threshold: 'high' must be a number", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        // Not JSON, or not an object: a 400 too, never a 500.
        foreach (var body in new[] { "{\"id\": ", "[1, 2]", "42" })
        {
            using var response = await admin.PostAsync("/api/rules", Json(body));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        // Only the valid rule was stored, once.
        Assert.Equal(1L, await ScalarAsync(database, "select count(*) from alerts.rules"));
        Assert.Equal("2", (await admin.GetFromJsonAsync<JsonElement>("/api/rules/slow")).GetProperty("rule").GetProperty("threshold").GetRawText());
    }

    private static HttpClient Client(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<AlertsOptions> host, string key)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<long> ScalarAsync(Npgsql.NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
