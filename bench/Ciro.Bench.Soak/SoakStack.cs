using System.Net.Http.Json;
using System.Security.Cryptography;
using Ciro.LocalInfrastructure;
using Ciro.Storage;
using Ciro.Web.Auth;

namespace Ciro.Bench.Soak;

/// <summary>One Ciro service process of the stack, with where it listens.</summary>
internal sealed record Service(string Name, ChildProcess Process, string Url);

/// <summary>
/// The whole stack as the AppHost's local mode starts it — PostgreSQL, Redis and smtp4dev from the local-infrastructure
/// kit, the chain simulator, indexer, analytics, alerts and web as their own processes with the environment the AppHost
/// gives them (connection strings, the admin/viewer/operator keys, the web's users) — all on 127.0.0.1 and stopped
/// (children included) on dispose.
/// </summary>
internal sealed class SoakStack : IAsyncDisposable
{
    public const string SimulatorAdminHeader = "X-Admin-Key";

    private readonly List<IDisposable> _owned = [];
    private readonly List<Service> _services = [];

    private SoakStack(string root) => Root = root;

    public string Root { get; }
    public LocalPostgres Postgres { get; private set; } = null!;
    public string Database { get; private set; } = "";
    public string AdminKey { get; } = RandomKey();
    public string ViewerKey { get; } = RandomKey();
    public string OperatorKey { get; } = RandomKey();
    public string SimulatorAdminKey { get; } = RandomKey();
    public IReadOnlyList<Service> Services => _services;
    public Service Simulator => _services.Single(s => s.Name == "chain");
    public Service Web => _services.Single(s => s.Name == "web");

    /// <summary>Dashboard users (viewers) and their passwords; the web gets only the PBKDF2 hashes.</summary>
    public IReadOnlyList<(string User, string Password)> Users { get; private set; } = [];

    public static async Task<SoakStack> StartAsync(string root, int users, int blockIntervalMs, Action<string> log)
    {
        var stack = new SoakStack(root);
        try
        {
            await stack.StartAllAsync(users, blockIntervalMs, log);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync(int users, int blockIntervalMs, Action<string> log)
    {
        Postgres = await LocalPostgres.StartAsync();
        _owned.Add(Postgres);
        Database = await Postgres.CreateDatabaseAsync("ciro");
        var redis = await LocalRedis.StartAsync();
        _owned.Add(redis);
        var smtpPort = FreePort.Next();
        var smtp = new ChildProcess(Smtp4Dev.Program(Root), Smtp4Dev.Arguments(smtpPort, $"http://127.0.0.1:{FreePort.Next()}").Select(a => a.ToString()!));
        _owned.Add(smtp);
        log($"infrastructure: PostgreSQL :{Postgres.Port}, Redis :{redis.Port}, smtp4dev :{smtpPort}");

        var chain = Start("chain", "Ciro.ChainSimulator", new()
        {
            ["Simulator__BlockIntervalMs"] = blockIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Simulator__Admin__Enabled"] = "true",
            ["Simulator__Admin__Key"] = SimulatorAdminKey,
        });
        await WaitHealthyAsync(chain, TimeSpan.FromMinutes(3));

        var keys = new Dictionary<string, string>
        {
            ["Ciro__Auth__BootstrapAdminKey"] = AdminKey,
            ["Ciro__Auth__ServiceKeys__services__Key"] = ViewerKey,
            ["Ciro__Auth__ServiceKeys__services__Role"] = "viewer",
            ["Ciro__Auth__ServiceKeys__weboperator__Key"] = OperatorKey,
            ["Ciro__Auth__ServiceKeys__weboperator__Role"] = "operator",
            // As the AppHost: the alerts service's own reads with the viewer key are not rate limited (a 429 would be
            // a missed evaluation); dashboard requests naming their user stay limited per user.
            ["Ciro__Analytics__RateLimitExemptServiceKeys__0"] = "services",
        };
        var db = Postgres.ConnectionString(Database);
        var indexer = Start("indexer", "Ciro.Indexer", new()
        {
            // Each service as its own database role, as deployed; the indexer migrates as the owner.
            ["ConnectionStrings__ciro-owner"] = db,
            ["ConnectionStrings__ciro"] = DatabaseRoles.ConnectionStringAs(db, DatabaseRoles.Indexer),
            ["Starknet__RpcUrl"] = chain.Url + "/rpc",
            ["Ciro__Auth__BootstrapAdminKey"] = AdminKey,
        });
        await WaitHealthyAsync(indexer, TimeSpan.FromMinutes(3));
        var analytics = Start("analytics", "Ciro.Analytics", new(keys)
        {
            ["ConnectionStrings__ciro"] = DatabaseRoles.ConnectionStringAs(db, DatabaseRoles.Analytics),
            ["ConnectionStrings__cache"] = redis.ConnectionString,
        });
        await WaitHealthyAsync(analytics, TimeSpan.FromMinutes(3));
        var alerts = Start("alerts", "Ciro.Alerts", new(keys)
        {
            ["ConnectionStrings__ciro"] = DatabaseRoles.ConnectionStringAs(db, DatabaseRoles.Alerts),
            ["ConnectionStrings__mail"] = $"smtp://127.0.0.1:{smtpPort}",
            ["Ciro__AnalyticsUrl"] = analytics.Url,
            ["Ciro__AnalyticsApiKey"] = ViewerKey,
            // The soak reads each evaluation's duration from this line of the log.
            ["Logging__LogLevel__Ciro.Alerts.Rules.LiveRuleEvaluator"] = "Debug",
        });
        var webEnvironment = new Dictionary<string, string>
        {
            ["ConnectionStrings__cache"] = redis.ConnectionString,
            ["Ciro__AnalyticsUrl"] = analytics.Url,
            ["Ciro__AlertsUrl"] = alerts.Url,
            ["Ciro__AnalyticsApiKey"] = ViewerKey,
            ["Ciro__Web__OperatorApiKey"] = OperatorKey,
        };
        var accounts = new List<(string, string)>();
        for (var i = 0; i < users; i++)
        {
            var (user, password) = ($"viewer{i}", RandomKey());
            webEnvironment[$"Ciro__Web__Users__{user}__PasswordHash"] = PasswordHash.Create(password);
            webEnvironment[$"Ciro__Web__Users__{user}__Role"] = "viewer";
            accounts.Add((user, password));
        }
        Users = accounts;
        var web = Start("web", "Ciro.Web", webEnvironment);
        await Task.WhenAll(WaitHealthyAsync(alerts, TimeSpan.FromMinutes(3)), WaitHealthyAsync(web, TimeSpan.FromMinutes(3)));
        log($"services: {string.Join(", ", _services.Select(s => $"{s.Name} {s.Url} (pid {s.Process.Id})"))}");
    }

    /// <summary>Switches the simulator's scenario (its admin API, behind its key).</summary>
    public async Task SetScenarioAsync(object body)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Simulator.Url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add(SimulatorAdminHeader, SimulatorAdminKey);
        var response = await http.PostAsJsonAsync("/admin/scenario", body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"scenario switch refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private Service Start(string name, string project, Dictionary<string, string> environment)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        environment["ASPNETCORE_URLS"] = url;
        environment["DOTNET_ENVIRONMENT"] = "Production";
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment.TryAdd("Logging__LogLevel__Default", "Warning");
        var process = new ChildProcess("dotnet", [Dll(project)], environment, workingDirectory: Path.GetDirectoryName(Dll(project)));
        var service = new Service(name, process, url);
        _services.Add(service);
        return service;
    }

    private static async Task WaitHealthyAsync(Service service, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = new Uri(service.Url), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (service.Process.HasExited)
            {
                throw new InvalidOperationException($"{service.Name} exited at start: {Tail(service.Process.Output)}");
            }
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"{service.Name} not healthy after {timeout}: {Tail(service.Process.Output)}");
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    private string Dll(string project) =>
        Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", project + ".dll");

    private static readonly string Configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    private static string RandomKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    public ValueTask DisposeAsync()
    {
        // Services first (they hold connections to the stores), in reverse start order.
        for (var i = _services.Count - 1; i >= 0; i--)
        {
            _services[i].Process.Dispose();
        }
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
