using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Alerts.Rules;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>
/// The shipped usage-anomaly rule on the simulator's usage-surge scenario after a week of steady (<see cref="UsageChain"/>):
/// backtested, it opens one incident for submit_ai_job when the surge hour has ended and is scored, and resolves when
/// that hour leaves its 2-hour window; over the last day of steady, with a score at every evaluation, it opens none.
/// Live, in the alerts service walked along the chain on a fake clock, it opens and resolves that one incident.
/// </summary>
[Collection(UsageChain.Collection)]
public sealed class UsageAnomalyRuleTests(UsageChain chain, ITestOutputHelper output)
{
    private const string RuleId = "usage-anomaly-submit-ai-job";

    private static readonly AlertRule Shipped =
        RuleFileLoader.LoadFolder(Path.Combine(AppContext.BaseDirectory, "alert-rules")).Rules.Single(r => r.Id == RuleId);

    private async Task<BacktestResult> BacktestAsync(AlertRule rule, DateTimeOffset from, DateTimeOffset to)
    {
        await using var analytics = chain.Hosts.App(chain.Database);
        return await Backtest.RunAsync(rule, from, to, TimeSpan.FromMinutes(1), new AnalyticsReader(analytics.CreateClient()), "http://dashboard", CancellationToken.None);
    }

    private static string Describe(BacktestResult result) =>
        $"{result.RuleId}: {result.Incidents.Count} incidents, {result.Evaluations} evaluations, {result.NoDataEvaluations} without data\n" +
        string.Join("\n", result.Incidents.Select(i => $"{i.OpenedAt:MM-dd HH:mm}..{i.ResolvedAt:MM-dd HH:mm} {i.Observed}"));

    [Fact]
    public async Task Fires_once_for_submit_ai_job_when_the_surge_hour_is_scored_and_resolves_when_it_leaves_the_window()
    {
        // The shipped rule narrowed to JobManager, so the incident names the contract as well as the function.
        var rule = Shipped with { Contract = chain.JobManager };
        var result = await BacktestAsync(rule, UsageChain.SurgeHour.AddHours(-1), chain.End);

        output.WriteLine(Describe(result));
        var incident = Assert.Single(result.Incidents);
        Assert.Equal(new Dictionary<string, string> { ["contract"] = chain.JobManager, ["function"] = "submit_ai_job", ["metric"] = "tx_count" },
            incident.Labels.Where(l => l.Key is "contract" or "function" or "metric").ToDictionary());
        // Whole hours only: the first evaluation after the surge hour ends sees its score; two hours later it is out of the window.
        Assert.Equal(UsageChain.SurgeHour.AddHours(1), incident.OpenedAt);
        Assert.Equal(UsageChain.SurgeHour.AddHours(3), incident.ResolvedAt);
        Assert.StartsWith("anomaly score ", incident.Observed);
        Assert.Contains($" at {UsageChain.SurgeHour:yyyy-MM-dd HH:mm}Z: tx_count ", incident.Observed);
        var score = double.Parse(incident.Observed["anomaly score ".Length..incident.Observed.IndexOf(' ', "anomaly score ".Length)], CultureInfo.InvariantCulture);
        Assert.True(score >= rule.Threshold, Describe(result));
    }

    [Fact]
    public async Task The_surge_hour_counts_about_five_times_the_expected_calls_and_no_steady_hour_of_the_last_day_scores_high()
    {
        await using var analytics = chain.Hosts.App(chain.Database);
        var from = UsageChain.SurgeHour.AddDays(-1);
        var rows = (await analytics.CreateClient().GetFromJsonAsync<JsonElement>(
                $"/api/kpi/anomalies?metric=tx_count&function=submit_ai_job&from={from.ToUnixTimeSeconds()}&to={UsageChain.SurgeHour.AddHours(1).ToUnixTimeSeconds()}&pageSize=100"))
            .GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(25, rows.Count);
        Assert.All(rows, r => Assert.False(r.GetProperty("warmingUp").GetBoolean()));
        var steady = rows[..^1].Select(r => r.GetProperty("score").GetDouble()).ToList();
        output.WriteLine($"steady hours: max score {steady.Max()}; surge hour: {rows[^1]}");
        Assert.True(steady.Max() < Shipped.Recovery, $"steady scores: {string.Join(", ", steady)}");
        var surge = rows[^1];
        Assert.Equal(UsageChain.SurgeHour, surge.GetProperty("hour").GetDateTimeOffset());
        var (value, expected) = (surge.GetProperty("value").GetDouble(), surge.GetProperty("expected").GetDouble());
        Assert.InRange(value / expected, 3.5, 7); // ×5 submissions, Poisson noise of one hour's count
        Assert.True(surge.GetProperty("score").GetDouble() >= Shipped.Threshold, surge.ToString());
        // The explanation's "per hour before" is the week of steady's rate, not diluted by the replayed hours before
        // the chain began (it said 8.7 against ~36 when it averaged over all 28 days).
        var driver = surge.GetProperty("driver").GetString()!;
        var before = System.Text.RegularExpressions.Regex.Match(driver, @"vs ([0-9.]+) per hour before");
        Assert.True(before.Success, driver);
        Assert.InRange(double.Parse(before.Groups[1].Value, CultureInfo.InvariantCulture) / expected, 0.75, 1.33);
    }

    [Fact]
    public async Task Does_not_fire_during_the_last_day_of_steady_with_a_score_at_every_evaluation()
    {
        var result = await BacktestAsync(Shipped, UsageChain.SurgeHour.AddDays(-1), UsageChain.SurgeHour);
        output.WriteLine(Describe(result));

        Assert.True(result.Incidents.Count == 0, Describe(result));
        Assert.Equal(24 * 60, result.Evaluations);
        Assert.True(result.NoDataEvaluations == 0, Describe(result)); // scored at every step, not quiet for a detector warming up
    }

    [Fact]
    public async Task Live_on_a_fake_clock_steady_opens_nothing_and_the_surge_opens_and_resolves_one_incident()
    {
        var rules = Directory.CreateTempSubdirectory("ciro-usage-rule-");
        try
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "alert-rules", Path.GetFileName(Shipped.Source)), Path.Combine(rules.FullName, "usage.yaml"));
            var clock = new FakeTimeProvider(UsageChain.SurgeHour.AddMinutes(-30));
            await using var smtp = new SmtpCatcher();
            await using var analytics = chain.Hosts.App(chain.Database);
            await using var alerts = chain.Hosts.Alerts(chain.Database, smtp, analytics.Server.CreateHandler(), ("Alerts:RulesPath", rules.FullName))
                .WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
            var evaluator = alerts.Services.GetRequiredService<LiveRuleEvaluator>();

            // 30 minutes of steady (the window holds two scored steady hours), then until the surge hour has left the window.
            var opened = (DateTimeOffset?)null;
            while (clock.GetUtcNow() < UsageChain.SurgeHour.AddHours(3).AddMinutes(30))
            {
                clock.Advance(TimeSpan.FromMinutes(5));
                await evaluator.EvaluateAllAsync(CancellationToken.None);
                if (opened is null && await ScalarAsync("select count(*) from alerts.incidents") > 0)
                {
                    opened = clock.GetUtcNow();
                }
            }

            Assert.Equal(UsageChain.SurgeHour.AddHours(1), opened);
            await using var incidents = chain.Database.CreateCommand("select rule, state, labels->>'function', labels->>'metric' from alerts.incidents");
            await using var reader = await incidents.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((RuleId, "resolved", "submit_ai_job", "tx_count"), (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            Assert.False(await reader.ReadAsync());
        }
        finally
        {
            rules.Delete(recursive: true);
        }
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = chain.Database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
