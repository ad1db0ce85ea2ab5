using Ciro.Alerts.Apis;
using Npgsql;

namespace Ciro.Alerts.Rules;

/// <summary>
/// The command line of the rules, for trying a rule before enabling it:
/// <c>check-rules [--rules DIR]</c> validates the rules (exit 0 when every rule loads, 2 otherwise, each problem on a
/// line) and lists each with its source; <c>backtest --rule ID --from T --to T --analytics URL [--step 1m] [--rules DIR]</c>
/// prints the incidents the rule would have opened (exit 0), 2 on bad input, 1 when analytics or the database cannot
/// answer. Both read the service's configuration keys from the environment: <c>ConnectionStrings__ciro</c> (when set,
/// the rules created through the API, from alerts.rules, join the rule files'), <c>Alerts__RulesPath</c>,
/// <c>Alerts__DashboardUrl</c>, <c>Ciro__AnalyticsUrl</c> and <c>Ciro__AnalyticsApiKey</c> — secrets never on the
/// command line (it would show in the process list).
/// </summary>
public static class RulesCommand
{
    private const string Usage =
        "usage: check-rules [--rules DIR]\n       backtest --rule ID --from TIME --to TIME --analytics URL [--step 1m] [--rules DIR]";

    /// <summary><paramref name="configuration"/> is the environment's unless given (tests give their own).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, IConfiguration? configuration = null)
    {
        var console = output ?? Console.Out;
        configuration ??= new ConfigurationBuilder().AddEnvironmentVariables().Build();
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
        var defaults = new AlertsOptions();
        var alerts = new AlertsOptions
        {
            RulesPath = options.GetValueOrDefault("rules") ?? configuration[$"{AlertsOptions.SectionName}:RulesPath"] ?? defaults.RulesPath,
            DashboardUrl = configuration[$"{AlertsOptions.SectionName}:DashboardUrl"] ?? defaults.DashboardUrl,
        };
        var folder = alerts.ResolvedRulesPath;
        var files = RuleFileLoader.LoadFolder(folder);
        var set = files;
        var connection = configuration.GetConnectionString("ciro");
        var fromDatabase = 0;
        if (!string.IsNullOrEmpty(connection))
        {
            try
            {
                await using var database = NpgsqlDataSource.Create(connection);
                var stored = await new ApiRuleStore(database, TimeProvider.System).ListAsync(CancellationToken.None);
                set = RuleCatalog.Combine(files, stored);
                fromDatabase = stored.Count;
            }
            catch (ArgumentException ex)
            {
                await console.WriteLineAsync($"{args[0]}: ConnectionStrings:ciro is not a valid connection string: {ex.Message}");
                return 2;
            }
            catch (NpgsqlException ex)
            {
                await console.WriteLineAsync($"{args[0]}: failed: the API rules (alerts.rules) could not be read: {ex.Message}");
                return 1;
            }
        }
        foreach (var error in set.Errors)
        {
            await console.WriteLineAsync(error.Message.StartsWith(error.File + ":", StringComparison.Ordinal) ? error.Message : $"{error.File}: {error.Message}");
        }
        var sources = string.IsNullOrEmpty(connection)
            ? $"from {folder} (ConnectionStrings__ciro not set: rules created through the API not read)"
            : $"from {folder} and {fromDatabase} API rules in the database";
        if (args[0] == "check-rules")
        {
            foreach (var loaded in set.Rules)
            {
                await console.WriteLineAsync($"{loaded.Id}  {loaded.KindText}  source {loaded.Source}{(loaded.Enabled ? "" : "  disabled")}");
            }
            await console.WriteLineAsync($"check-rules: {set.Rules.Count} rules loaded {sources}, {set.Errors.Count} problems");
            return set.Errors.Count == 0 ? 0 : 2;
        }
        if (options.GetValueOrDefault("rule") is not { } id || set.Rules.FirstOrDefault(r => r.Id == id) is not { } rule)
        {
            await console.WriteLineAsync($"backtest: --rule '{options.GetValueOrDefault("rule")}' is not a loaded rule {sources}; loaded: {string.Join(", ", set.Rules.Select(r => r.Id))}\n{Usage}");
            return 2;
        }
        var request = BacktestRequest.Parse(options.GetValueOrDefault("from"), options.GetValueOrDefault("to"), options.GetValueOrDefault("step"), out var problem);
        if (request is null)
        {
            await console.WriteLineAsync($"backtest: --{problem!.Extensions["field"]}: {problem.Detail}\n{Usage}");
            return 2;
        }
        var url = options.GetValueOrDefault("analytics") ?? configuration["Ciro:AnalyticsUrl"] ?? "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            await console.WriteLineAsync($"backtest: --analytics '{url}' must be an absolute http(s) URL (or set Ciro__AnalyticsUrl)\n{Usage}");
            return 2;
        }
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (configuration["Ciro:AnalyticsApiKey"] is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
        try
        {
            var result = await Backtest.RunAsync(rule, request.From, request.To, request.Step, new AnalyticsReader(http), alerts.DashboardUrl, CancellationToken.None);
            foreach (var incident in result.Incidents)
            {
                await console.WriteLineAsync($"{incident.OpenedAt:yyyy-MM-dd HH:mm:ss}Z .. {(incident.ResolvedAt is { } r ? $"{r:yyyy-MM-dd HH:mm:ss}Z" : "still firing")}  {incident.Summary}");
            }
            await console.WriteLineAsync($"backtest: {rule.Id} (source {rule.Source}): {result.Incidents.Count} incidents in {result.Evaluations} evaluations " +
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
