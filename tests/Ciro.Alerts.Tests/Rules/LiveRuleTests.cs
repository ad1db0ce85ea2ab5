using Ciro.Alerts.Rules;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>
/// The shipped rules in the running alerts service, its clock a fake one walked minute by minute along the simulated
/// chain: 30 minutes of steady open nothing; the gas spike opens one incident through the incident store, its email
/// (to a real SMTP server) says observed vs expected and links to the dashboard, and it resolves after the spike.
/// </summary>
[Collection(ScenarioChain.Collection)]
public sealed class LiveRuleTests(ScenarioChain chain)
{
    [Fact]
    public async Task Steady_opens_nothing_and_the_gas_spike_opens_and_resolves_one_incident()
    {
        var clock = new FakeTimeProvider(ScenarioChain.SteadyEnd.AddMinutes(-30));
        await using var smtp = new SmtpCatcher();
        await using var analytics = chain.Hosts.App(chain.Database);
        await using var alerts = chain.Hosts.Alerts(chain.Database, smtp, analytics.Server.CreateHandler(),
                ("Alerts:RulesPath", Path.Combine(AppContext.BaseDirectory, "alert-rules")), ("Alerts:DashboardUrl", "http://ciro.test"))
            .WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var evaluator = alerts.Services.GetRequiredService<LiveRuleEvaluator>();

        for (var minute = 0; minute < 30; minute++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await evaluator.EvaluateAllAsync(CancellationToken.None);
        }
        Assert.Equal(0L, await ScalarAsync("select count(*) from alerts.incidents"));

        var (from, to) = chain.Segments["gas-spike"];
        clock.SetUtcNow(from);
        while (clock.GetUtcNow() < to.AddMinutes(15))
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await evaluator.EvaluateAllAsync(CancellationToken.None);
        }

        await using var incidents = chain.Database.CreateCommand("select rule, state, labels->>'function', repeats from alerts.incidents");
        await using var reader = await incidents.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(("gas-spike-submit-job-result", "resolved", "submit_job_result"), (reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        Assert.True(reader.GetInt32(3) > 0, "each evaluation while firing counts a repeat on the open incident");
        Assert.False(await reader.ReadAsync());
        var firing = await smtp.WaitForAsync(m => m.Subject?.Contains("gas-spike-submit-job-result") == true, TimeSpan.FromSeconds(60));
        Assert.Contains("median L2 gas per call", firing.TextBody);
        Assert.Contains("http://ciro.test/?from=", firing.TextBody);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = chain.Database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
