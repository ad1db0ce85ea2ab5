using System.Net.Http.Json;
using System.Text.Json;
using Ciro.LocalInfrastructure;

namespace Ciro.Indexer.Tests.Infrastructure;

/// <summary>The chain simulator as a real process on 127.0.0.1, and a client for its admin endpoints: the
/// ground truth the stored rows are compared with.</summary>
public sealed class Simulator : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly HttpClient _http;

    private Simulator(ChildProcess process, int port)
    {
        _process = process;
        Url = $"http://127.0.0.1:{port}";
        _http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Url { get; }

    public string RpcUrl => Url + "/rpc";

    public int ProcessId => _process.Id;

    public string Output => _process.Output;

    /// <param name="blockIntervalMs">Block production period; large values freeze the head after pre-generation.</param>
    /// <param name="rpcShape">Simulator:RpcShape: <c>current</c> (v0.10.3) or <c>v0_7</c>.</param>
    /// <param name="startTimestamp">Unix seconds of block 0; fixed, two simulators build the same chain.</param>
    /// <param name="chainId">starknet_chainId as a short string (the simulator's default: SN_CIRO_SIM).</param>
    /// <param name="extra">More command-line settings, e.g. <c>--Simulator:MonitorSampleRate=4</c>.</param>
    public static async Task<Simulator> StartAsync(int pregenerateBlocks, int eventsPerBlock = 0, int blockIntervalMs = 600_000, ulong seed = 42,
        string rpcShape = "current", long startTimestamp = 0, string chainId = "SN_CIRO_SIM", string[]? extra = null)
    {
        var port = FreePort.Next();
        var process = new ChildProcess("dotnet", [Paths.SimulatorDll, "--urls", $"http://127.0.0.1:{port}",
            $"--Simulator:Seed={seed}", $"--Simulator:BlockIntervalMs={blockIntervalMs}", $"--Simulator:ChainId={chainId}",
            $"--Simulator:PregenerateBlocks={pregenerateBlocks}", $"--Simulator:EventsPerBlock={eventsPerBlock}",
            $"--Simulator:RpcShape={rpcShape}", $"--Simulator:StartTimestamp={startTimestamp}", "--Simulator:Admin:Enabled=true",
            "--Logging:LogLevel:Default=Warning", .. extra ?? []],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        var simulator = new Simulator(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await simulator._http.GetAsync("/admin/state");
                if (response.IsSuccessStatusCode)
                {
                    return simulator;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                var output = process.Output;
                process.Dispose();
                throw new InvalidOperationException($"simulator did not start: {output}");
            }
            await Task.Delay(100);
        }
    }

    public async Task<JsonElement> StateAsync() => await _http.GetFromJsonAsync<JsonElement>("/admin/state");

    public async Task<long> HeadAsync() => (await StateAsync()).GetProperty("head").GetProperty("number").GetInt64();

    public async Task<BlockTruth> BlockAsync(long number)
    {
        var b = await _http.GetFromJsonAsync<JsonElement>($"/admin/blocks/{number}");
        return new BlockTruth(
            b.GetProperty("number").GetInt64(),
            b.GetProperty("hash").GetString()!,
            b.GetProperty("parentHash").GetString()!,
            b.GetProperty("transactionCount").GetInt32(),
            b.GetProperty("eventCount").GetInt32(),
            b.GetProperty("transactionHashes").EnumerateArray().Select(h => h.GetString()!).ToArray(),
            b.GetProperty("eventsByName").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()));
    }

    public async Task ReorgAsync(int depth)
    {
        using var response = await _http.PostAsJsonAsync("/admin/reorg", new { depth });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Seals the next blocks now (the timer is frozen in tests that need an exact head).</summary>
    public async Task AdvanceAsync(int blocks)
    {
        using var response = await _http.PostAsJsonAsync("/admin/advance", new { blocks });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>POST /admin/scenario {"name": "rpc-faults", "parameters": {...}} (kind "none" clears).</summary>
    public async Task SetFaultsAsync(string kind, double probability = 1, int latencyMs = 50, int retryAfterSeconds = 0)
    {
        using var response = await _http.PostAsJsonAsync("/admin/scenario", new
        {
            name = "rpc-faults",
            parameters = new { kind, probability, latencyMs, retryAfterSeconds },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"set faults {kind}: {(int)response.StatusCode} {body}");
    }

    /// <summary>POST /admin/scenario with this body; fails the test on a refusal.</summary>
    public async Task ScenarioAsync(object body)
    {
        using var response = await _http.PostAsJsonAsync("/admin/scenario", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"scenario: {(int)response.StatusCode} {text}");
    }

    /// <summary>Injected fault counts by kind, as the simulator reports them.</summary>
    public async Task<Dictionary<string, long>> InjectedFaultsAsync()
    {
        var scenario = await _http.GetFromJsonAsync<JsonElement>("/admin/scenario");
        return scenario.GetProperty("faults").GetProperty("injected").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _process.Dispose();
        await Task.CompletedTask;
    }
}

public sealed record BlockTruth(long Number, string Hash, string ParentHash, int TransactionCount, int EventCount,
    string[] TransactionHashes, Dictionary<string, int> EventsByName);
