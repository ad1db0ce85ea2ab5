using System.Net.Http.Json;
using System.Text.Json;
using Ciro.LocalInfrastructure;
using Npgsql;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>
/// One simulated chain with every rule scenario on it, indexed into PostgreSQL by the indexer's backfill command and
/// read through the analytics API in-process. Two-second blocks from a fixed genesis: an hour of steady, then each
/// scenario for 10 minutes followed by 30 minutes of steady (so the next scenario's baselines are steady again).
/// The failing and the slow worker are named to the simulator by address, picked from the indexed steady hour:
/// those addresses are the known truth the rules must name.
/// </summary>
public sealed class ScenarioChain : IAsyncLifetime
{
    public const string Collection = "scenario-chain";

    public static readonly DateTimeOffset Genesis = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    public const int SteadyBlocks = 1800;
    public const int ScenarioBlocks = 300;
    public const int GapBlocks = 900;

    private ChildProcess? _simulator;
    private HttpClient _admin = null!;

    public AlertsFixture Hosts { get; } = new();
    public NpgsqlDataSource Database { get; private set; } = null!;

    /// <summary>Chain time of the end of the first steady hour (the block after it).</summary>
    public static DateTimeOffset SteadyEnd => TimeOf(SteadyBlocks);

    /// <summary>Scenario name → the chain time of its first and last block.</summary>
    public Dictionary<string, (DateTimeOffset From, DateTimeOffset To)> Segments { get; } = [];

    public string FailingWorker { get; private set; } = "";
    public string SlowWorker { get; private set; } = "";

    public DateTimeOffset End { get; private set; }

    public static DateTimeOffset TimeOf(long block) => Genesis.AddSeconds(2 * block);

    public async Task InitializeAsync()
    {
        await Hosts.InitializeAsync();
        Database = await Hosts.NewDatabaseAsync();
        var port = FreePort.Next();
        // The timer seals a block every 2 s of wall time too; block times follow the block number either way.
        _simulator = new ChildProcess("dotnet", [Paths.Output("Ciro.ChainSimulator"), "--urls", $"http://127.0.0.1:{port}",
            "--Simulator:BlockIntervalMs=2000", $"--Simulator:PregenerateBlocks={SteadyBlocks}",
            $"--Simulator:StartTimestamp={Genesis.ToUnixTimeSeconds()}", "--Simulator:Admin:Enabled=true", "--Logging:LogLevel:Default=Warning"],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        _admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        await WaitForSimulatorAsync();
        var steadyHead = await HeadAsync();
        await BackfillAsync(0, steadyHead);

        await using (var analytics = Hosts.App(Database))
        {
            var jobs = await analytics.CreateClient().GetFromJsonAsync<JsonElement>(
                $"/api/kpi/timing/jobs?bucket=raw&pageSize=1000&from={Genesis.ToUnixTimeSeconds()}&to={SteadyEnd.ToUnixTimeSeconds()}");
            var workers = jobs.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("worker").GetString()).OfType<string>()
                .Distinct().Order(StringComparer.Ordinal).ToList();
            Assert.True(workers.Count >= 4, $"the steady hour has {workers.Count} workers");
            (FailingWorker, SlowWorker) = (workers[0], workers[1]);
        }

        await RunAsync("gas-spike", new { function = "submit_job_result", factor = 5 });
        await RunAsync("slow-worker", new { worker = SlowWorker, factor = 4 });
        await RunAsync("failing-worker", new { worker = FailingWorker });
        await RunAsync("congestion", new { transactions = 100, utilization = 0.95 });
        var head = await HeadAsync();
        End = TimeOf(head);
        await BackfillAsync(steadyHead + 1, head);
    }

    private async Task RunAsync(string scenario, object parameters)
    {
        await PostAsync("/admin/scenario", new { name = scenario, parameters });
        var first = await HeadAsync() + 1;
        var last = await AdvanceAsync(ScenarioBlocks);
        Segments[scenario] = (TimeOf(first), TimeOf(last));
        await PostAsync("/admin/scenario", new { name = "steady" });
        await AdvanceAsync(GapBlocks);
    }

    private async Task<long> AdvanceAsync(int blocks)
    {
        using var response = await _admin.PostAsJsonAsync("/admin/advance", new { blocks });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("number").GetInt64();
    }

    private async Task PostAsync(string path, object body)
    {
        using var response = await _admin.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<long> HeadAsync() =>
        (await _admin.GetFromJsonAsync<JsonElement>("/admin/state")).GetProperty("head").GetProperty("number").GetInt64();

    private async Task WaitForSimulatorAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            try
            {
                using var response = await _admin.GetAsync("/admin/state");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_simulator!.HasExited)
            {
            }
            Assert.True(DateTime.UtcNow < deadline && !_simulator!.HasExited, $"simulator did not start: {_simulator!.Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>The indexer's backfill command, as an operator runs it.</summary>
    private async Task BackfillAsync(long from, long to)
    {
        using var backfill = new ChildProcess("dotnet",
            [Paths.Output("Ciro.Indexer"), "backfill", "--rpc", $"{_admin.BaseAddress}rpc", "--from", from.ToString(), "--to", to.ToString()],
            new Dictionary<string, string> { ["ConnectionStrings__ciro"] = Database.ConnectionString, ["DOTNET_gcServer"] = "0" });
        var code = await backfill.WaitForExitAsync(TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"backfill {from}..{to} exited {code?.ToString() ?? "(still running)"}: {backfill.Output}");
    }

    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        _simulator?.Dispose();
        await Database.DisposeAsync();
        await Hosts.DisposeAsync();
    }
}

/// <summary>The backtests and the live evaluation share one chain (building it is most of their time).</summary>
[CollectionDefinition(ScenarioChain.Collection)]
public sealed class ScenarioChainCollection : ICollectionFixture<ScenarioChain>;

/// <summary>Built outputs of the projects the tests run as processes, in the configuration the tests were built in.</summary>
public static class Paths
{
    private static readonly string Root = FindRoot();
    private static readonly string Configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    public static string Output(string project)
    {
        var path = Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} not built", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CiroAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CiroAspire.sln not found above " + AppContext.BaseDirectory);
    }
}
