using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Ciro.ChainSimulator.Tests.Infrastructure;

/// <summary>
/// The simulator on real Kestrel at 127.0.0.1:random, with a fixed seed and start time and the block timer
/// effectively off (tests advance blocks through POST /admin/advance), so every run sees the same chain.
/// </summary>
public class SimulatorFactory : WebApplicationFactory<Program>
{
    public const long StartTimestamp = 1_763_887_048;

    private readonly Dictionary<string, string> _settings;
    private readonly TimeProvider? _clock;
    private HttpClient? _client;

    public SimulatorFactory() : this(seed: 7, pregenerate: 40) { }

    /// <param name="settings">Replace or add settings (e.g. Simulator:ChainFile, which needs StartTimestamp 0).</param>
    /// <param name="clock">The simulator's wall clock (genesis time and catch-up of a chain file).</param>
    internal SimulatorFactory(ulong seed, int pregenerate, int eventsPerBlock = 0, int blockIntervalMs = 600_000, string rpcShape = "current",
        Dictionary<string, string>? settings = null, TimeProvider? clock = null)
    {
        _clock = clock;
        _settings = new()
        {
            ["Simulator:Seed"] = seed.ToString(),
            ["Simulator:StartTimestamp"] = StartTimestamp.ToString(),
            ["Simulator:BlockIntervalMs"] = blockIntervalMs.ToString(),
            ["Simulator:PregenerateBlocks"] = pregenerate.ToString(),
            ["Simulator:EventsPerBlock"] = eventsPerBlock.ToString(),
            ["Simulator:RpcShape"] = rpcShape,
            ["Simulator:Admin:Enabled"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }
        // UseKestrel(port) races the app's own Kestrel start for minimal-hosting apps (dotnet/aspnetcore#67714:
        // "Addresses cannot be modified after the server has started"); an explicit endpoint does not touch them.
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(_clock));
        }
    }

    public HttpClient Http => _client ??= CreateClient();

    public Uri BaseAddress => Http.BaseAddress!;

    /// <summary>Posts one JSON-RPC request and returns the whole response object (result or error).</summary>
    public async Task<JsonElement> RpcAsync(string method, object? parameters = null, string path = "/rpc")
    {
        var response = await Http.PostAsJsonAsync(path, new { jsonrpc = "2.0", id = 1, method, @params = parameters ?? Array.Empty<object>() });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    public async Task<JsonElement> ResultAsync(string method, object? parameters = null)
    {
        var response = await RpcAsync(method, parameters);
        Assert.False(response.TryGetProperty("error", out var error), $"{method} failed: {error}");
        return response.GetProperty("result");
    }

    public async Task<JsonElement> AdminAsync(string path, object? body = null)
    {
        var response = body is null ? await Http.GetAsync(path) : await Http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public async Task<long> HeadAsync() => (await ResultAsync("starknet_blockNumber")).GetInt64();

    public Task AdvanceAsync(int blocks) => AdminAsync("/admin/advance", new { blocks });

    public Task<JsonElement> BlockAsync(long number) =>
        ResultAsync("starknet_getBlockWithReceipts", new object[] { new { block_number = number } });
}
