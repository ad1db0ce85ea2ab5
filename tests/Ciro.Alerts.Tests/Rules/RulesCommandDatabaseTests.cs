using Ciro.Alerts.Rules;
using Ciro.Auth;
using Ciro.LocalInfrastructure;
using Ciro.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>The rules command line with the service's <c>ConnectionStrings:ciro</c>: check-rules lists the rules
/// created through the API (alerts.rules) beside the file rules, each with its source, and names an API rule a file
/// overrides; backtest finds an API rule and runs it against analytics over HTTP; a database out of reach exits 1.</summary>
[Collection(AlertsCollection.Name)]
public sealed class RulesCommandDatabaseTests(AlertsFixture fixture)
{
    private static readonly string Shipped = Path.Combine(AppContext.BaseDirectory, "alert-rules");

    /// <summary>Validated by the API's own reader before it is stored, as POST /api/rules does.</summary>
    private const string ApiRule = """
        {"id": "api-congestion-transactions", "kind": "network-congestion", "metric": "transactions", "window": "5m", "threshold": 0.9, "severity": "critical"}
        """;

    private static async Task<(int Code, string Output)> RunAsync(IConfiguration configuration, params string[] args)
    {
        var output = new StringWriter();
        var code = await RulesCommand.RunAsync(args, output, configuration);
        return (code, output.ToString());
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    private static async Task StoreAsync(NpgsqlDataSource database, string definition)
    {
        var (rules, problems) = ApiRuleStore.Validate(definition);
        Assert.Empty(problems);
        await new ApiRuleStore(database, TimeProvider.System).CreateAsync(Assert.Single(rules).Id, definition, "ada-admin", default);
    }

    [Fact]
    public async Task Check_rules_lists_the_api_rules_with_their_source_and_the_one_a_file_overrides()
    {
        await using var database = await fixture.NewDatabaseAsync();
        var configuration = Configuration(("ConnectionStrings:ciro", DatabaseRoles.ConnectionStringAs(database.ConnectionString, DatabaseRoles.Alerts)));
        await StoreAsync(database, ApiRule);

        var (code, output) = await RunAsync(configuration, "check-rules", "--rules", Shipped);
        Assert.True(code == 0, output);
        var lines = output.Trim().Split('\n');
        Assert.Equal(8, lines.Length); // the six file rules, the API rule, the summary
        Assert.Contains("gas-spike-submit-job-result  gas-spike  source gas-spike.yaml", lines);
        Assert.Contains("api-congestion-transactions  network-congestion  source api", lines);
        Assert.Equal($"check-rules: 7 rules loaded from {Shipped} and 1 API rules in the database, 0 problems", lines[^1]);

        // An API rule created before a rule file took its id: the file's rule applies and the API one is a problem.
        await StoreAsync(database, ApiRule.Replace("api-congestion-transactions", "gas-spike-submit-job-result"));
        (code, output) = await RunAsync(configuration, "check-rules", "--rules", Shipped);
        Assert.Equal(2, code);
        Assert.Contains("api: rule 'gas-spike-submit-job-result': id: 'gas-spike-submit-job-result' is also defined in the rule file gas-spike.yaml", output);
        Assert.EndsWith($"check-rules: 7 rules loaded from {Shipped} and 2 API rules in the database, 1 problems", output.Trim());
    }

    [Fact]
    public async Task Backtest_runs_an_api_rule_against_analytics_over_http()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await StoreAsync(database, ApiRule);
        var port = FreePort.Next();
        await using var analytics = fixture.App(database).WithWebHostBuilder(b => b.UseUrls($"http://127.0.0.1:{port}"));
        analytics.UseKestrel();
        analytics.StartServer();
        var key = (await analytics.Services.GetRequiredService<ApiKeyStore>().CreateAsync("rules-cli", Roles.Viewer, default)).Key;
        var configuration = Configuration(("ConnectionStrings:ciro", DatabaseRoles.ConnectionStringAs(database.ConnectionString, DatabaseRoles.Alerts)),
            ("Ciro:AnalyticsUrl", $"http://127.0.0.1:{port}"), ("Ciro:AnalyticsApiKey", key));

        var (code, output) = await RunAsync(configuration, "backtest", "--rules", Shipped, "--rule", "api-congestion-transactions",
            "--from", "2026-11-02T00:00:00Z", "--to", "2026-11-02T00:10:00Z");

        // No block in the database: ten evaluations, each "no data" for the one series, nothing opened.
        Assert.True(code == 0, output);
        Assert.Equal("backtest: api-congestion-transactions (source api): 0 incidents in 10 evaluations from 2026-11-02T00:00:00.0000000+00:00 " +
            "to 2026-11-02T00:10:00.0000000+00:00 every 1m (10 series evaluations without data)", output.Trim());

        // Without the connection string the API rule is not found, and the answer says why.
        (code, output) = await RunAsync(Configuration(), "backtest", "--rules", Shipped, "--rule", "api-congestion-transactions",
            "--from", "2026-11-02T00:00:00Z", "--to", "2026-11-02T00:10:00Z", "--analytics", $"http://127.0.0.1:{port}");
        Assert.Equal(2, code);
        Assert.Contains("--rule 'api-congestion-transactions' is not a loaded rule", output);
        Assert.Contains("ConnectionStrings__ciro not set", output);
    }

    [Fact]
    public async Task A_database_out_of_reach_exits_1_with_the_reason()
    {
        var configuration = Configuration(("ConnectionStrings:ciro", $"Host=127.0.0.1;Port={FreePort.Next()};Username=ciro;Password=x;Database=ciro;Timeout=5"));
        var (code, output) = await RunAsync(configuration, "check-rules", "--rules", Shipped);
        Assert.Equal(1, code);
        Assert.StartsWith("check-rules: failed: the API rules (alerts.rules) could not be read: ", output);
    }
}
