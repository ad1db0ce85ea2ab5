using System.Net.Http.Json;
using System.Text.Json;
using Ciro.LocalInfrastructure;

namespace Ciro.Analytics.Tests;

/// <summary>The chain simulator as a process (its Program would clash with analytics' in one load context), driven
/// through its admin routes, and the indexer's backfill command storing its blocks in a test database.</summary>
internal sealed class SimulatedChain : IDisposable
{
    private readonly ChildProcess _process;

    public HttpClient Admin { get; }
    public string RpcUrl { get; }

    private SimulatedChain(ChildProcess process, int port)
    {
        _process = process;
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        RpcUrl = $"http://127.0.0.1:{port}/rpc";
    }

    /// <param name="settings">Simulator settings as "Key=value" under Simulator: (e.g. "Seed=9").</param>
    public static async Task<SimulatedChain> StartAsync(params string[] settings)
    {
        var port = FreePort.Next();
        var process = new ChildProcess("dotnet",
            [Output("Ciro.ChainSimulator"), "--urls", $"http://127.0.0.1:{port}", .. settings.Select(s => $"--Simulator:{s}"),
                "--Simulator:Admin:Enabled=true", "--Logging:LogLevel:Default=Warning"],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        var chain = new SimulatedChain(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                if ((await chain.Admin.GetAsync("/admin/state")).IsSuccessStatusCode)
                {
                    return chain;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            if (DateTime.UtcNow >= deadline || process.HasExited)
            {
                var output = process.Output;
                chain.Dispose();
                Assert.Fail($"simulator did not start: {output}");
            }
            await Task.Delay(200);
        }
    }

    public async Task PostAsync(string path, object body)
    {
        var response = await Admin.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<long> HeadAsync() =>
        (await Admin.GetFromJsonAsync<JsonElement>("/admin/state")).GetProperty("head").GetProperty("number").GetInt64();

    /// <summary>Runs `Ciro.Indexer backfill` over blocks 0..head into the database.</summary>
    public async Task BackfillAsync(string connectionString, long head)
    {
        var indexerDll = Output("Ciro.Indexer");
        using var backfill = new ChildProcess("dotnet", [indexerDll, "backfill", "--rpc", RpcUrl, "--from", "0", "--to", head.ToString()],
            new Dictionary<string, string> { ["ConnectionStrings__ciro"] = connectionString, ["DOTNET_gcServer"] = "0" },
            Path.GetDirectoryName(indexerDll));
        var code = await backfill.WaitForExitAsync(TimeSpan.FromSeconds(300));
        Assert.True(code == 0, $"backfill exited {code}: {backfill.Output}");
    }

    public static string Output(string project)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        var path = Path.Combine(TestData.RepoRoot, "src", project, "bin", configuration, "net10.0", project + ".dll");
        Assert.True(File.Exists(path), $"{path} not built");
        return path;
    }

    public void Dispose()
    {
        Admin.Dispose();
        _process.Dispose();
    }
}
