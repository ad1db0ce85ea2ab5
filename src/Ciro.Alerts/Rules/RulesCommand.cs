using Ciro.Alerts.Apis;

namespace Ciro.Alerts.Rules;

/// <summary>
/// The command line of the rule files, for trying a rule before enabling it:
/// <c>check-rules [--rules DIR]</c> validates a folder (exit 0 when every rule loads, 2 otherwise, each problem on a line);
/// <c>backtest --rule ID --from T --to T --analytics URL [--step 1m] [--rules DIR]</c> prints the incidents the rule
/// would have opened (exit 0), 2 on bad input, 1 when analytics cannot answer. The analytics key comes from
/// <c>Ciro__AnalyticsApiKey</c> in the environment, never from the command line (it would show in the process list).
/// </summary>
public static class RulesCommand
{
    private const string Usage =
        "usage: check-rules [--rules DIR]\n       backtest --rule ID --from TIME --to TIME --analytics URL [--step 1m] [--rules DIR]";

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null)
    {
        var console = output ?? Console.Out;
        var options = new Dictionary<string, string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length || args[i] is not ("--rules" or "--rule" or "--from" or "--to" or "--step" or "--analytics"))
            {
                await console.WriteLineAsync($"{args[0]}: unexpected argument '{args[i]}'\n{Usage}");
                return 2;
            }
            options[args[i][2..]] = args[++i];
        }
        var folder = options.GetValueOrDefault("rules") ?? new AlertsOptions().ResolvedRulesPath;
        var set = RuleFileLoader.LoadFolder(folder);
        foreach (var error in set.Errors)
        {
            await console.WriteLineAsync(error.Message);
        }
        if (args[0] == "check-rules")
        {
            await console.WriteLineAsync($"check-rules: {set.Rules.Count} rules loaded from {folder}, {set.Errors.Count} problems");
            return set.Errors.Count == 0 ? 0 : 2;
        }
        if (options.GetValueOrDefault("rule") is not { } id || set.Rules.FirstOrDefault(r => r.Id == id) is not { } rule)
        {
            await console.WriteLineAsync($"backtest: --rule '{options.GetValueOrDefault("rule")}' is not a loaded rule of {folder}; loaded: {string.Join(", ", set.Rules.Select(r => r.Id))}\n{Usage}");
            return 2;
        }
        var request = BacktestRequest.Parse(options.GetValueOrDefault("from"), options.GetValueOrDefault("to"), options.GetValueOrDefault("step"), out var problem);
        if (request is null)
        {
            await console.WriteLineAsync($"backtest: --{problem!.Extensions["field"]}: {problem.Detail}\n{Usage}");
            return 2;
        }
        var url = options.GetValueOrDefault("analytics") ?? Environment.GetEnvironmentVariable("Ciro__AnalyticsUrl") ?? "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            await console.WriteLineAsync($"backtest: --analytics '{url}' must be an absolute http(s) URL (or set Ciro__AnalyticsUrl)\n{Usage}");
            return 2;
        }
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (Environment.GetEnvironmentVariable("Ciro__AnalyticsApiKey") is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
        try
        {
            var result = await Backtest.RunAsync(rule, request.From, request.To, request.Step, new AnalyticsReader(http), new AlertsOptions().DashboardUrl, CancellationToken.None);
            foreach (var incident in result.Incidents)
            {
                await console.WriteLineAsync($"{incident.OpenedAt:yyyy-MM-dd HH:mm:ss}Z .. {(incident.ResolvedAt is { } r ? $"{r:yyyy-MM-dd HH:mm:ss}Z" : "still firing")}  {incident.Summary}");
            }
            await console.WriteLineAsync($"backtest: {rule.Id}: {result.Incidents.Count} incidents in {result.Evaluations} evaluations " +
                $"from {result.From:O} to {result.To:O} every {RuleEvaluator.Duration(request.Step)} ({result.NoDataEvaluations} series evaluations without data)");
            return 0;
        }
        catch (HttpRequestException ex)
        {
            await console.WriteLineAsync($"backtest: failed: analytics at {url}: {ex.Message}");
            return 1;
        }
    }
}
