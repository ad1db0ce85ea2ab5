using System.Net;
using System.Net.Http.Json;
using Ciro.Alerts.Delivery;
using Ciro.Alerts.Incidents;
using Ciro.LocalInfrastructure;
using Ciro.Messages;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary><c>kill -9</c> of a real Ciro.Alerts process right after an incident transition commits: the next
/// process delivers its notification, once.</summary>
[Collection(AlertsCollection.Name)]
public sealed class CrashRecoveryTests(AlertsFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const string AdminKey = "crash-test-admin-key-0123456789";

    [Fact]
    public async Task An_acknowledgement_committed_just_before_kill_9_is_notified_once_after_restart()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        var smtpPort = FreePort.Next(); // the SMTP server is down while the first process runs: nothing can be sent before the kill

        // The incident, opened by an instance without a dispatcher: its FIRING notice waits in the outbox.
        Incident incident;
        await using (var opener = fixture.Alerts(database, $"smtp://127.0.0.1:{smtpPort}", analytics.Server.CreateHandler(), ("Alerts:Email:To:0", "ops@example.org"))
            .WithWebHostBuilder(b => b.ConfigureTestServices(s =>
                s.Remove(s.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(NotificationDispatcher))))))
        {
            incident = (await opener.Services.GetRequiredService<IncidentStore>()
                .OpenOrRepeatAsync(Signals.Of("failing-worker", IncidentSeverity.Critical, "success rate 40 %"), default)).Incident;
        }

        var httpPort = FreePort.Next();
        using (var first = Start(database, smtpPort, httpPort))
        {
            using var http = await ReadyClientAsync(first, httpPort);
            using var ack = await http.PostAsJsonAsync($"/api/alerts/incidents/{incident.Id}/ack", new { comment = "on it" });
            Assert.True(ack.StatusCode == HttpStatusCode.OK, $"{ack.StatusCode}: {await ack.Content.ReadAsStringAsync()}\n{first.Output}");
            first.Kill(); // SIGKILL right after the acknowledgement committed
        }
        Assert.Equal(2L, await ScalarAsync(database, "select count(*) from alerts.notifications where state = 'pending'"));
        Assert.Equal(1L, await ScalarAsync(database, "select count(*) from alerts.notifications where kind = 'acknowledged'"));

        await using var smtp = new SmtpCatcher(port: smtpPort);
        using (var restarted = Start(database, smtpPort, FreePort.Next()))
        {
            await WaitUntilAsync(async () => await ScalarAsync(database, "select count(*) from alerts.notifications where state = 'delivered'") == 2, restarted);
            await Task.Delay(TimeSpan.FromSeconds(3)); // a few more polls: still once each
            restarted.Kill();
        }
        Assert.Equal(2, smtp.Messages.Count);
        Assert.Equal(["[ACKNOWLEDGED]", "[CRITICAL]"], smtp.Messages.Select(m => m.Subject!.Split(' ')[0]).Order());
        Assert.Equal(2, smtp.Messages.Select(m => m.Headers["X-Ciro-Idempotency-Key"]).Distinct().Count());
        Assert.Equal(1L, await ScalarAsync(database, "select count(*) from alerts.incident_events where kind = 'acknowledged' and actor = 'bootstrap'"));
    }

    private static ChildProcess Start(NpgsqlDataSource database, int smtpPort, int httpPort) => new("dotnet", [AlertsDll], new Dictionary<string, string>
    {
        ["DOTNET_gcServer"] = "0",
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
        ["ConnectionStrings__ciro"] = database.ConnectionString,
        ["ConnectionStrings__mail"] = $"smtp://127.0.0.1:{smtpPort}",
        ["Ciro__AnalyticsUrl"] = "http://127.0.0.1:1", // no analytics: rule evaluations fail and are counted; incidents still work
        ["Ciro__Auth__BootstrapAdminKey"] = AdminKey,
        ["Alerts__Email__To__0"] = "ops@example.org",
        ["Alerts__PipelineStalled__Enabled"] = "false",
    }, Path.GetDirectoryName(AlertsDll));

    private static async Task<HttpClient> ReadyClientAsync(ChildProcess process, int port)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        await WaitUntilAsync(async () =>
        {
            try
            {
                using var response = await http.GetAsync("/api/alerts/incidents?limit=1");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, process);
        return http;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, ChildProcess process)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                throw new TimeoutException($"condition not met within {Wait} (process exited: {process.HasExited}):\n{process.Output}");
            }
            await Task.Delay(100);
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>src/Ciro.Alerts/bin/&lt;configuration&gt;/net10.0/Ciro.Alerts.dll, built with the solution.</summary>
    private static string AlertsDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "CiroAspire.sln")))
            {
                root = root.Parent;
            }
            var path = Path.Combine(root?.FullName ?? throw new DirectoryNotFoundException("CiroAspire.sln not found above the test assembly"),
                "src", "Ciro.Alerts", "bin", configuration, "net10.0", "Ciro.Alerts.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"{path} not built", path);
        }
    }
}
