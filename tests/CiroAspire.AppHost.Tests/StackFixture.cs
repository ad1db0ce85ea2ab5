using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// The whole stack in the no-container mode, started once for the tests of this collection: local PostgreSQL
/// (fresh data folder), Redis, smtp4dev, the chain simulator and the four services, on free ports.
/// </summary>
public sealed class StackFixture : IAsyncLifetime
{
    public static readonly string[] Resources = ["postgres", "ciro", "cache", "mail", "chain", "indexer", "analytics", "alerts", "web"];
    public const string TestRule = "test-no-reputation-update";
    /// <summary>The same condition under another rule: its incident is the alerts view test's to acknowledge.</summary>
    public const string DashboardRule = "test-dashboard-ack";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>A folder only its owner may enter, like /root on Debian, holding the stack's data where a checkout
    /// would (<c>checkout/.data</c>): run as root, as CI and a root user's <c>scripts/run.sh</c> are, the stack must come
    /// up although PostgreSQL runs as the <c>postgres</c> user, which cannot enter it (issue 15; the data folder then
    /// goes under /var/lib/ciro, RootOnlyDataTests). Only the data root is there: the AppHost and the services run
    /// from this checkout, as root, and only PostgreSQL switches user.</summary>
    public string OwnerOnlyRoot { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"ciro-stack-{Guid.NewGuid():N}"), OwnerOnly).FullName;

    public string DataDirectory => Path.Combine(OwnerOnlyRoot, "checkout", ".data");

    public DistributedApplication App { get; private set; } = null!;

    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CiroAspire_AppHost>(
        [
            "--Ciro:Infrastructure=local",
            "--Ciro:WebPort=0",
            $"--Ciro:DataDirectory={DataDirectory}",
            "--Simulator:BlockIntervalMs=1000",
            "--Alerts:EvaluationInterval=00:00:02",
            // A rule that must fire: the simulator never emits ReputationUpdated.
            $"--Alerts:Rules:1:Name={TestRule}",
            "--Alerts:Rules:1:EventName=ReputationUpdated",
            "--Alerts:Rules:1:Window=00:00:01",
            "--Alerts:Rules:1:Severity=warning",
            $"--Alerts:Rules:2:Name={DashboardRule}",
            "--Alerts:Rules:2:EventName=ReputationUpdated",
            "--Alerts:Rules:2:Window=00:00:01",
            "--Alerts:Rules:2:Severity=warning",
        ]);
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        App = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await App.StartAsync(cts.Token);
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        foreach (var resource in new[] { "web", "alerts", "analytics", "indexer", "chain", "mail", "cache", "ciro" })
        {
            await notifications.WaitForResourceHealthyAsync(resource, cts.Token);
        }
        StartupTime = started.Elapsed;
    }

    /// <summary>An analytics client with the admin key the AppHost generated (as an operator would use it).</summary>
    public async Task<HttpClient> AnalyticsAsAdminAsync()
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var key = model.Resources.OfType<ParameterResource>().Single(p => p.Name == "analytics-admin-key");
        var http = App.CreateHttpClient("analytics");
        http.DefaultRequestHeaders.Add("X-Api-Key", await key.GetValueAsync(default));
        return http;
    }

    /// <summary>The dashboard signed in as the dev admin the AppHost created in this stack's data folder.</summary>
    public Task<WebSession> WebAsAdminAsync() => WebSession.AsDevAdminAsync(App, DataDirectory);

    /// <summary>The dev admin's generated password (for the browser test's sign-in).</summary>
    public string WebAdminPassword => File.ReadAllText(Path.Combine(DataDirectory, "web-admin.password")).Trim();

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        // As root the PostgreSQL data lived under /var/lib/ciro (a folder per requested path): removed with the rest.
        Ciro.LocalInfrastructure.PostgresDataFolder.Locate(Path.Combine(DataDirectory, "postgres")).Delete();
        try
        {
            Directory.Delete(OwnerOnlyRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
