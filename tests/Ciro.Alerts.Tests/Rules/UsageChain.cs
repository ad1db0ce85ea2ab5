using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Analytics.Rollups;
using Ciro.LocalInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>
/// The simulated chain of the usage-anomaly rule: seven days of steady, then one hour of <c>usage-surge</c> (job
/// submissions ×5), then three hours of steady, indexed into PostgreSQL by the indexer's backfill command and rolled
/// up by analytics' reconciler. The rule reads hourly anomaly scores, and the detector scores an hourly series only
/// after its warm-up (31 steps to learn the interval, then 100 observations: about five and a half days), so the
/// history must be days long: blocks are five minutes apart (2,016 blocks for the week), which changes nothing an
/// hourly call count sees — the simulator submits a Poisson number of jobs per block either way.
/// </summary>
public sealed class UsageChain : IAsyncLifetime
{
    public const string Collection = "usage-chain";

    public static readonly DateTimeOffset Genesis = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    public const int BlockSeconds = 300;
    public const int BlocksPerHour = 3600 / BlockSeconds;
    public const int SteadyDays = 7;
    public const int SurgeFactor = 5;

    private ChildProcess? _simulator;
    private HttpClient _admin = null!;

    public AlertsFixture Hosts { get; } = new();
    public NpgsqlDataSource Database { get; private set; } = null!;

    /// <summary>The hour of the surge (its first block is at the hour, its last 55 minutes later).</summary>
    public static DateTimeOffset SurgeHour => Genesis.AddDays(SteadyDays);

    /// <summary>JobManager, the contract of submit_ai_job, as the analytics API spells it.</summary>
    public string JobManager { get; private set; } = "";

    /// <summary>Chain time of the last block.</summary>
    public DateTimeOffset End { get; private set; }

    public static DateTimeOffset TimeOf(long block) => Genesis.AddSeconds(BlockSeconds * block);

    public async Task InitializeAsync()
    {
        await Hosts.InitializeAsync();
        Database = await Hosts.NewDatabaseAsync();
        var port = FreePort.Next();
        // Blocks 0 to N − 1 of the week: the next block, the surge's first, is on the hour.
        const int steadyBlocks = SteadyDays * 24 * BlocksPerHour - 1;
        _simulator = new ChildProcess("dotnet", [Paths.Output("Ciro.ChainSimulator"), "--urls", $"http://127.0.0.1:{port}",
            $"--Simulator:BlockIntervalMs={BlockSeconds * 1000}", $"--Simulator:PregenerateBlocks={steadyBlocks}",
            $"--Simulator:StartTimestamp={Genesis.ToUnixTimeSeconds()}", "--Simulator:Admin:Enabled=true", "--Logging:LogLevel:Default=Warning"],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        _admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        await WaitForSimulatorAsync();
        var steadyHead = await HeadAsync();
        Assert.Equal(SurgeHour, TimeOf(steadyHead + 1)); // the surge starts on the hour: one scored hour holds all of it

        await PostAsync("/admin/scenario", new { name = "usage-surge", parameters = new { factor = SurgeFactor } });
        await AdvanceAsync(BlocksPerHour);
        await PostAsync("/admin/scenario", new { name = "steady" });
        var head = await AdvanceAsync(3 * BlocksPerHour);
        End = TimeOf(head);
        await BackfillAsync(0, head);

        await using var analytics = Hosts.App(Database);
        await analytics.Services.GetRequiredService<RollupReconciler>().ReconcileAsync(null, default);
        var calls = await analytics.CreateClient().GetFromJsonAsync<JsonElement>(
            $"/api/kpi/gas?bucket=raw&function=submit_ai_job&pageSize=1&from={SurgeHour.ToUnixTimeSeconds()}&to={End.ToUnixTimeSeconds()}");
        JobManager = calls.GetProperty("items")[0].GetProperty("contract").GetString()!;
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

[CollectionDefinition(UsageChain.Collection)]
public sealed class UsageChainCollection : ICollectionFixture<UsageChain>;
