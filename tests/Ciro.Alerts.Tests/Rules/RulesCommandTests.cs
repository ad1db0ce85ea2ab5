using Ciro.Alerts.Rules;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>The rules command line: check-rules on the shipped folder; bad input exits 2 naming the argument;
/// analytics out of reach exits 1 with the reason.</summary>
public sealed class RulesCommandTests
{
    private static readonly string Shipped = Path.Combine(AppContext.BaseDirectory, "alert-rules");

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await RulesCommand.RunAsync(args, output, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        return (code, output.ToString());
    }

    [Fact]
    public async Task Check_rules_loads_the_shipped_folder()
    {
        var (code, output) = await RunAsync("check-rules", "--rules", Shipped);
        Assert.Equal(0, code);
        var lines = output.Trim().Split('\n');
        Assert.Equal(7, lines.Length);
        Assert.Equal("usage-anomaly-submit-ai-job  usage-anomaly  source usage-anomaly.yaml", lines[3]);
        Assert.Equal($"check-rules: 6 rules loaded from {Shipped} (ConnectionStrings__ciro not set: rules created through the API not read), 0 problems", lines[^1]);
    }

    [Theory]
    [InlineData("--rule nope --from 1 --to 2 --analytics http://127.0.0.1:1", "--rule 'nope' is not a loaded rule")]
    [InlineData("--rule slow-job-execution --from soon --to 2 --analytics http://127.0.0.1:1", "--from: 'from' = 'soon' must be an ISO 8601 time or unix seconds")]
    [InlineData("--rule slow-job-execution --from 1 --to 700 --step 1s --analytics http://127.0.0.1:1", "--step: 'step' = '1s' must be a duration of at least 10s")]
    [InlineData("--rule slow-job-execution --from 1 --to 700 --analytics file:///etc", "--analytics 'file:///etc' must be an absolute http(s) URL")]
    [InlineData("--rule slow-job-execution --colour red", "unexpected argument '--colour'")]
    public async Task Bad_arguments_exit_2_naming_the_argument(string arguments, string named)
    {
        var (code, output) = await RunAsync(["backtest", "--rules", Shipped, .. arguments.Split(' ')]);
        Assert.Equal(2, code);
        Assert.Contains(named, output);
        Assert.Contains("usage:", output);
    }

    [Fact]
    public async Task Analytics_out_of_reach_exits_1_with_the_reason()
    {
        var url = $"http://127.0.0.1:{Ciro.LocalInfrastructure.FreePort.Next()}";
        var (code, output) = await RunAsync("backtest", "--rules", Shipped, "--rule", "slow-job-execution", "--from", "2026-11-02T00:00:00Z",
            "--to", "2026-11-02T00:30:00Z", "--analytics", url);
        Assert.Equal(1, code);
        Assert.StartsWith($"backtest: failed: analytics at {url}: Connection refused", output);
    }
}
