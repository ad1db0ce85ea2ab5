using System.Security.Cryptography;
using Ciro.LocalInfrastructure;

namespace Ciro.Bench.Queries;

/// <summary>The analytics service as it runs in production (its Release build, a child process on 127.0.0.1) on the
/// benchmark's database, with a viewer key: the HTTP benchmarks measure the whole request path, middleware included.
/// The Redis cache is off so every request reaches PostgreSQL, and the rate limit is out of the way.</summary>
public sealed class AnalyticsService : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private AnalyticsService(ChildProcess process, HttpClient http)
    {
        _process = process;
        Http = http;
    }

    public HttpClient Http { get; }

    /// <summary>Peak resident set size of the service so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes => _process.PeakResidentBytes();

    public static async Task<AnalyticsService> StartAsync(string database, string redis, params (string Key, string Value)[] settings)
    {
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = url,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ConnectionStrings__ciro"] = database,
            ["ConnectionStrings__cache"] = redis,
            ["Ciro__Auth__ServiceKeys__bench__Key"] = key,
            ["Ciro__Auth__ServiceKeys__bench__Role"] = "viewer",
            ["Ciro__Analytics__CacheSeconds"] = "0",
            ["Ciro__Analytics__RateLimitRequests"] = "1000000",
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }
        var dll = Path.Combine(Root(), "src", "Ciro.Analytics", "bin", "Release", "net10.0", "Ciro.Analytics.dll");
        var process = new ChildProcess("dotnet", [dll], environment, workingDirectory: Path.GetDirectoryName(dll));
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        var service = new AnalyticsService(process, http);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"analytics exited at start: {process.Output}");
            }
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                await service.DisposeAsync();
                throw new TimeoutException($"analytics not healthy after 5 min: {process.Output}");
            }
            await Task.Delay(500);
        }
    }

    private static string Root()
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

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
