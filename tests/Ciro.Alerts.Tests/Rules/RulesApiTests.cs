using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>GET /api/rules lists the loaded rules and the problems of the ones left out; the backtest validates its
/// range field by field; both need a key (viewer to read, operator to backtest).</summary>
[Collection(AlertsCollection.Name)]
public sealed class RulesApiTests(AlertsFixture fixture) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ciro-rules-api-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Lists_rules_and_problems_and_backtests_an_empty_chain_with_every_bad_field_named()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "good.yaml"), "id: congestion\nkind: network-congestion\nwindow: 5m\nthreshold: 0.8\nrecovery: 0.6\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "bad.yaml"), "id: slow\nkind: slow-execution\nwindow: forever\nthreshold: 2\n");
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        // Once a key exists analytics refuses anonymous reads: alerts reads with a viewer key, as in the AppHost.
        var keys = analytics.Services.GetRequiredService<ApiKeyStore>();
        var alertsKey = (await keys.CreateAsync("alerts", Roles.Viewer, default)).Key;
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(),
            ("Alerts:RulesPath", _folder.FullName), ("Ciro:AnalyticsApiKey", alertsKey));
        using var anonymous = alerts.CreateClient();
        using var viewer = alerts.CreateClient();
        viewer.DefaultRequestHeaders.Add("X-Api-Key", (await keys.CreateAsync("reader", Roles.Viewer, default)).Key);
        using var operatorClient = alerts.CreateClient();
        operatorClient.DefaultRequestHeaders.Add("X-Api-Key", (await keys.CreateAsync("oncall", Roles.Operator, default)).Key);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/rules")).StatusCode);
        var list = await viewer.GetFromJsonAsync<JsonElement>("/api/rules");
        Assert.Equal("congestion", Assert.Single(list.GetProperty("rules").EnumerateArray()).GetProperty("id").GetString());
        var problem = Assert.Single(list.GetProperty("errors").EnumerateArray());
        Assert.Equal(("bad.yaml", "slow", "window"), (problem.GetProperty("file").GetString(), problem.GetProperty("rule").GetString(), problem.GetProperty("field").GetString()));
        Assert.StartsWith("bad.yaml: rule 'slow' (line 3): window: 'forever' must be a duration", problem.GetProperty("message").GetString());

        const string range = "from=2026-11-02T00:00:00Z&to=2026-11-02T00:10:00Z";
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/api/rules/congestion/backtest?{range}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync($"/api/rules/slow/backtest?{range}")).StatusCode);
        foreach (var (query, field) in new[]
        {
            ("from=yesterday&to=2026-11-02T00:10:00Z", "from"),
            ("from=2026-11-02T00:10:00Z&to=2026-11-02T00:00:00Z", "to"),
            ("from=2026-10-01T00:00:00Z&to=2026-11-02T00:00:00Z", "from"),
            (range + "&step=1s", "step"),
        })
        {
            using var bad = await operatorClient.GetAsync($"/api/rules/congestion/backtest?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(field, (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }

        // No blocks at all: ten evaluations, each without data, no incident.
        var result = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/rules/congestion/backtest?{range}");
        Assert.Equal((10, 10, 0), (result.GetProperty("evaluations").GetInt32(), result.GetProperty("noDataEvaluations").GetInt32(),
            result.GetProperty("incidents").GetArrayLength()));
    }
}
