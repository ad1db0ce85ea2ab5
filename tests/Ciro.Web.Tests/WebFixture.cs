using System.Collections.Concurrent;
using Ciro.LocalInfrastructure;
using Ciro.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ciro.Web.Tests;

/// <summary>What a backend received from the web tier.</summary>
public sealed record BackendCall(string Backend, string Method, string PathAndQuery, string? ApiKey, string? User, string? Cookie);

/// <summary>
/// A real Redis and two backends on loopback Kestrel standing in for analytics and alerts (they record every
/// request the web tier forwards and answer 200 JSON: the shapes the dashboard's first page reads, so it renders
/// in the browser test), and the web host itself on loopback Kestrel with three users.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    public const string ViewerKey = "test-viewer-key-0123456789abcdef";
    public const string OperatorKey = "test-operator-key-0123456789abcdef";
    public static readonly (string Name, string Password, string Role) Viewer = ("vera", "vera-correct-horse-1", Roles.Viewer);
    public static readonly (string Name, string Password, string Role) Operator = ("oscar", "oscar-battery-staple-2", Roles.Operator);
    public static readonly (string Name, string Password, string Role) Admin = ("ada", "ada-tr0ub4dor-3", Roles.Admin);

    private WebApplication _analytics = null!;
    private WebApplication _alerts = null!;

    public LocalRedis Redis { get; private set; } = null!;
    public ConcurrentQueue<BackendCall> Calls { get; } = new();

    public async Task InitializeAsync()
    {
        Redis = await LocalRedis.StartAsync();
        _analytics = await StartBackendAsync("analytics");
        _alerts = await StartBackendAsync("alerts");
    }

    public async Task DisposeAsync()
    {
        await _analytics.DisposeAsync();
        await _alerts.DisposeAsync();
        Redis.Dispose();
    }

    /// <summary>The web host on a free loopback port; <paramref name="settings"/> override its configuration.</summary>
    public WebApplicationFactory<Program> Web(params (string Key, string Value)[] settings) => Web(_ => { }, settings);

    /// <summary>The web host as above with <paramref name="services"/> replacing some of its services (a fake clock).</summary>
    public WebApplicationFactory<Program> Web(Action<IServiceCollection> services, params (string Key, string Value)[] settings)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.ConfigureTestServices(services);
            b.UseSetting("ConnectionStrings:cache", Redis.ConnectionString);
            b.UseSetting("Ciro:AnalyticsUrl", _analytics.Urls.Single());
            b.UseSetting("Ciro:AlertsUrl", _alerts.Urls.Single());
            b.UseSetting("Ciro:AnalyticsApiKey", ViewerKey);
            b.UseSetting("Ciro:Web:OperatorApiKey", OperatorKey);
            foreach (var (name, password, role) in new[] { Viewer, Operator, Admin })
            {
                // Fewer iterations than production only to keep the tests quick; the same code verifies them.
                b.UseSetting($"Ciro:Web:Users:{name}:PasswordHash", PasswordHash.Create(password, iterations: 10_000));
                b.UseSetting($"Ciro:Web:Users:{name}:Role", role);
            }
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });
        // A free loopback port: UseKestrel(0) leaves Kestrel on its default 127.0.0.1:5000 (seen when two replicas
        // started side by side), see also SimulatorFactory.
        factory.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        factory.StartServer();
        return factory;
    }

    public static Uri Address(WebApplicationFactory<Program> web) =>
        new(web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static object Answer(string backend, string path)
    {
        var now = DateTimeOffset.UtcNow;
        return path switch
        {
            "/api/activity/jobs" => new { asOfBlock = 12, asOf = now, buckets = Array.Empty<object>() },
            "/api/blocks/latest" => new
            {
                blockNumber = 12, blockHash = "0x0c", timestamp = now, transactionCount = 3, revertedCount = 0, eventCount = 9,
                feesByUnit = new Dictionary<string, string> { ["FRI"] = "1000" }, l1Gas = 0, l1DataGas = 128, l2Gas = 4000,
            },
            "/api/pipeline/status" => new
            {
                indexerState = "indexing", reason = (string?)null, since = now, newestBlock = 12, newestBlockTime = now,
                newestBlockAgeSeconds = 1, checkedAt = now,
            },
            "/api/alerts/incidents" => Array.Empty<object>(),
            // What the PDF export's print page reads (PdfExportTests).
            "/api/kpi/network" => new
            {
                items = Array.Empty<object>(), page = 1, pageSize = 100, totalCount = 0, bucket = "1h", from = now.AddDays(-1), to = now,
                notes = Array.Empty<string>(),
            },
            "/api/alerts/incidents/stats" => new
            {
                from = now.AddDays(-7), to = now, incidents = 3, open = 1, acknowledged = 2, meanTimeToAcknowledgeSeconds = 90.0, resolved = 1,
                meanTimeToResolveSeconds = 600.0,
            },
            _ => new { backend, path },
        };
    }

    private async Task<WebApplication> StartBackendAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.Run(async context =>
        {
            Calls.Enqueue(new BackendCall(name, context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers["X-Api-Key"].FirstOrDefault(), context.Request.Headers["X-Ciro-User"].FirstOrDefault(),
                context.Request.Headers.Cookie.FirstOrDefault()));
            await Results.Json(Answer(name, context.Request.Path.Value!)).ExecuteAsync(context);
        });
        await app.StartAsync();
        return app;
    }
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web";
}
