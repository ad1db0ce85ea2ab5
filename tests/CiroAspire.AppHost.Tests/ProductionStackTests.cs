using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Ciro.LocalInfrastructure;
using Ciro.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// The production shape run on this machine (<c>Ciro:Shape=production</c>): the code path a deployment takes,
/// with every outside service given as a parameter or connection string, as `azd up` would give them. Stand-ins:
/// a PostgreSQL and a Redis server started here, smtp4dev as the SMTP relay, the chain simulator as "the node".
/// Services run with their production replica counts.
/// </summary>
public sealed class ProductionStackTests(ProductionStackFixture stack, ITestOutputHelper output) : IClassFixture<ProductionStackFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task It_indexes_the_node_given_as_a_parameter_and_serves_the_dashboard()
    {
        output.WriteLine($"production-shaped stack healthy after {stack.StartupTime.TotalSeconds:F1} s");
        // Two web replicas behind the AppHost's proxy: the session cookie one issues is read by the other
        // (data-protection keys in Redis), or some of the reads below would be 401.
        using var session = await WebSession.SignInAsync(stack.App, "admin", ProductionStackFixture.AdminPassword);
        var web = session.Http;
        Assert.Contains("<div id=\"root\"", await web.GetStringAsync("/"));

        // The latest block through the public tier (web → analytics with the viewer key) is the node's block.
        var deadline = DateTime.UtcNow + Bound;
        JsonElement latest = default;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await web.GetAsync("/api/blocks/latest");
            Assert.NotEqual(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
            if (response.IsSuccessStatusCode)
            {
                latest = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (latest.GetProperty("blockNumber").GetInt64() >= ProductionStackFixture.PregeneratedBlocks)
                {
                    break;
                }
            }
            await Task.Delay(500);
        }
        Assert.True(latest.ValueKind == JsonValueKind.Object, $"the web tier served no latest block within {Bound}");
        var number = latest.GetProperty("blockNumber").GetInt64();
        Assert.True(number >= ProductionStackFixture.PregeneratedBlocks, $"latest block {number} < the node's pre-generated head {ProductionStackFixture.PregeneratedBlocks}");
        var canonical = await stack.Node.GetFromJsonAsync<JsonElement>($"/admin/blocks/{number}");
        Assert.Equal(canonical.GetProperty("hash").GetString(), latest.GetProperty("blockHash").GetString());

        // Nothing of the dev loop was started: no chain simulator, smtp4dev or database resource of the AppHost.
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>();
        Assert.Equal(["alerts", "analytics", "indexer", "web"], model.Resources.OfType<ProjectResource>().Select(r => r.Name).Order());
        Assert.DoesNotContain(model.Resources, r => r is ContainerResource || (r is ExecutableResource && !r.Name.EndsWith("-rebuilder", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Exactly_one_indexer_replica_writes_and_the_database_holds_the_nodes_chain()
    {
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>();
        var indexer = model.Resources.OfType<ProjectResource>().Single(r => r.Name == "indexer");
        Assert.Equal(2, indexer.Annotations.OfType<ReplicaAnnotation>().Single().Replicas);

        // Both replicas run; the writer lease lets one commit. The cursor names the last writer ("host/pid"):
        // watched over several blocks (the node makes one a second), it never changes hands.
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        await connection.OpenAsync();
        var writers = new HashSet<string>();
        var deadline = DateTime.UtcNow + Bound;
        var watchedUntil = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow < watchedUntil)
        {
            await using (var cursor = new NpgsqlCommand("select writer from ciro.block_cursor where writer is not null", connection))
            {
                await using var reader = await cursor.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    writers.Add(reader.GetString(0));
                }
            }
            if (writers.Count > 0 && watchedUntil == DateTime.MaxValue)
            {
                watchedUntil = DateTime.UtcNow.AddSeconds(8);
            }
            await Task.Delay(500);
        }
        output.WriteLine($"writers seen: {string.Join(", ", writers)}");
        Assert.Single(writers);
    }

    [Fact]
    public void Every_service_has_its_replicas_and_health_probes()
    {
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var (name, replicas) in new[] { ("indexer", 2), ("analytics", 2), ("alerts", 2), ("web", 2) })
        {
            var service = model.Resources.OfType<ProjectResource>().Single(r => r.Name == name);
            Assert.Equal(replicas, service.Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
            var probes = service.Annotations.OfType<EndpointProbeAnnotation>().ToDictionary(p => p.Type, p => p.Path);
            Assert.Equal("/health", probes[ProbeType.Readiness]);
            Assert.Equal("/alive", probes[ProbeType.Liveness]);
        }
    }
}

public sealed class ProductionStackFixture : IAsyncLifetime
{
    public const int PregeneratedBlocks = 30;
    public const string AdminPassword = "production-shape-test-admin";

    private LocalPostgres? _postgres;
    private LocalRedis? _redis;
    private ChildProcess? _smtp;
    private ChildProcess? _node;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The stand-in node's admin API (ground truth for the chain the stack indexed).</summary>
    public HttpClient Node { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string DatabaseConnectionString { get; private set; } = "";

    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _postgres = await LocalPostgres.StartAsync();
        DatabaseConnectionString = await _postgres.CreateDatabaseAsync("ciro");
        _redis = await LocalRedis.StartAsync();
        var smtpPort = FreePort.Next();
        _smtp = new ChildProcess(Smtp4Dev.Program(RepoRoot),
            Smtp4Dev.Arguments(smtpPort.ToString(), $"http://127.0.0.1:{FreePort.Next()}").Select(a => a.ToString()!));
        var nodePort = FreePort.Next();
        _node = new ChildProcess("dotnet", [Built("Ciro.ChainSimulator"), "--urls", $"http://127.0.0.1:{nodePort}",
            "--Simulator:BlockIntervalMs=1000", $"--Simulator:PregenerateBlocks={PregeneratedBlocks}", "--Simulator:Admin:Enabled=true", "--Logging:LogLevel:Default=Warning"],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        Node.BaseAddress = new Uri($"http://127.0.0.1:{nodePort}");
        await WaitForAsync(() => Node.GetAsync("/admin/state"), "chain simulator", _node);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CiroAspire_AppHost>(
        [
            "--Ciro:Shape=production",
            "--Ciro:Infrastructure=local",
            "--Ciro:WebPort=0",
            $"--ConnectionStrings:ciro={DatabaseConnectionString}",
            // The service roles as a deployment gives them (the throwaway server trusts loopback: no passwords).
            $"--ConnectionStrings:ciro-indexer={DatabaseRoles.ConnectionStringAs(DatabaseConnectionString, DatabaseRoles.Indexer)}",
            $"--ConnectionStrings:ciro-analytics={DatabaseRoles.ConnectionStringAs(DatabaseConnectionString, DatabaseRoles.Analytics)}",
            $"--ConnectionStrings:ciro-alerts={DatabaseRoles.ConnectionStringAs(DatabaseConnectionString, DatabaseRoles.Alerts)}",
            $"--ConnectionStrings:cache={_redis.ConnectionString}",
            $"--ConnectionStrings:mail=smtp://127.0.0.1:{smtpPort}",
            $"--Parameters:starknet-rpc-url=http://127.0.0.1:{nodePort}/rpc",
            $"--Parameters:starknet-ws-url=ws://127.0.0.1:{nodePort}/ws",
            // Email only: the stand-in relay is smtp4dev (a channel a deployment does not use is left out).
            "--Ciro:Deploy:AlertChannels=none",
            $"--Parameters:web-admin-password-hash={Ciro.Web.Auth.PasswordHash.Create(AdminPassword)}",
        ]);
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        App = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await App.StartAsync(cts.Token);
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        foreach (var resource in new[] { "indexer", "analytics", "alerts", "web" })
        {
            await notifications.WaitForResourceHealthyAsync(resource, cts.Token);
        }
        StartupTime = started.Elapsed;
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        Node.Dispose();
        _node?.Dispose();
        _smtp?.Dispose();
        _redis?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private static async Task WaitForAsync(Func<Task<HttpResponseMessage>> probe, string what, ChildProcess process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await probe();
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException($"{what} did not start: {process.Output}");
    }

    private static string Built(string project)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        var path = Path.Combine(RepoRoot, "src", project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} not built", path);
    }

    private static string RepoRoot { get; } = FindRoot();

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
