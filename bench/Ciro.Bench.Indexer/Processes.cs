using System.Net.Http.Json;
using System.Text.Json;
using Ciro.LocalInfrastructure;

namespace Ciro.Bench.Indexer;

/// <summary>The built simulator and indexer binaries, started as processes on 127.0.0.1.</summary>
internal static class Processes
{
    private static readonly string Root = FindRoot();
    private static readonly string Configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    public static string Dll(string project) => Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", project + ".dll");

    public static async Task<(ChildProcess Process, string Url)> StartSimulatorAsync(int blocks, int eventsPerBlock, int blockIntervalMs)
    {
        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}";
        var process = new ChildProcess("dotnet", [Dll("Ciro.ChainSimulator"), "--urls", url, $"--Simulator:PregenerateBlocks={blocks}",
            $"--Simulator:EventsPerBlock={eventsPerBlock}", $"--Simulator:BlockIntervalMs={blockIntervalMs}", "--Simulator:Admin:Enabled=true", "--Logging:LogLevel:Default=Warning"]);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                await http.GetFromJsonAsync<JsonElement>("/admin/state");
                return (process, url);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }
        throw new InvalidOperationException("simulator did not start: " + process.Output);
    }

    public static ChildProcess StartIndexer(string connectionString, IEnumerable<string> arguments, Dictionary<string, string>? environment = null)
    {
        var env = new Dictionary<string, string>(environment ?? []) { ["ConnectionStrings__ciro"] = connectionString };
        return new ChildProcess("dotnet", [Dll("Ciro.Indexer"), .. arguments], env);
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
