using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// A reorg deeper than Indexer:MaxReorgDepth is loud: the indexer resource in the Aspire dashboard is unhealthy
/// with the reason as its health description, and the Ciro dashboard (Debian's Chromium) shows the halt banner
/// with the same reason and since when. Its own stack: the halt would break the shared one.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class HaltTests(ITestOutputHelper output) : IDisposable
{
    private const int MaxReorgDepth = 3;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"ciro-halt-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_reorg_deeper_than_the_limit_shows_its_reason_in_the_aspire_and_ciro_dashboards()
    {
        await using var app = await OwnStack.StartAsync(_dataDirectory, $"--Indexer:MaxReorgDepth={MaxReorgDepth}");
        using var session = await WebSession.AsDevAdminAsync(app, _dataDirectory);
        var web = session.Http;
        // The indexer follows a block or two behind the head: a 10-block reorg replaces more than 3 stored blocks.
        await OwnStack.WaitForLatestBlockAsync(web, n => n >= 12, TimeSpan.FromMinutes(1));
        using var chain = await OwnStack.ChainAdminClientAsync(app);
        using (var reorg = await chain.PostAsJsonAsync("/admin/reorg", new { depth = 10 }))
        {
            Assert.True(reorg.IsSuccessStatusCode, $"reorg answered {(int)reorg.StatusCode}: {await reorg.Content.ReadAsStringAsync()}");
        }

        // The Aspire dashboard: the indexer resource's health report carries the reason.
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var indexer = await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceAsync("indexer",
            e => e.Snapshot.HealthReports.Any(r => r.Name == "indexer_halt_check" && r.Status == HealthStatus.Unhealthy), cts.Token);
        var report = indexer.Snapshot.HealthReports.Single(r => r.Name == "indexer_halt_check");
        output.WriteLine($"Aspire health report: {report.Description}");
        Assert.StartsWith("Indexing halted since ", report.Description);
        Assert.Contains($"Reorg deeper than Indexer:MaxReorgDepth = {MaxReorgDepth}", report.Description);
        Assert.Equal(HealthStatus.Unhealthy, indexer.Snapshot.HealthStatus);

        // The Ciro dashboard: the banner in a real browser says the same as the pipeline status.
        var status = await web.GetFromJsonAsync<JsonElement>("/api/pipeline/status");
        Assert.Equal("halted", status.GetProperty("indexerState").GetString());
        var reason = status.GetProperty("reason").GetString()!;
        var since = status.GetProperty("since").GetDateTimeOffset();
        Assert.Contains(reason, report.Description);
        var banner = await ReadBannerAsync(app);
        output.WriteLine($"banner: {banner}");
        Assert.Equal(reason, banner.GetProperty("reason").GetString());
        Assert.Equal(since, banner.GetProperty("since").GetDateTimeOffset());
        Assert.StartsWith("Indexing halted since ", banner.GetProperty("text").GetString());
    }

    /// <summary>Issue 18: the node was reset (the simulator's chain file deleted, so a new chain starts) while the
    /// database keeps the old one. The indexer halts before its first batch; the rest of the stack must still come
    /// up (it waits for the indexer to start, not to be healthy), show the halt in the dashboard banner and open
    /// the critical pipeline-stalled incident.</summary>
    [Fact]
    public async Task A_halt_at_start_up_still_brings_up_the_dashboard_with_its_banner_and_a_pipeline_stalled_incident()
    {
        long firstHead;
        await using (var first = await OwnStack.StartAsync(_dataDirectory))
        {
            using var session = await WebSession.AsDevAdminAsync(first, _dataDirectory);
            firstHead = (await OwnStack.WaitForLatestBlockAsync(session.Http, n => n >= 3, TimeSpan.FromMinutes(1))).GetProperty("blockNumber").GetInt64();
        }
        File.Delete(Path.Combine(_dataDirectory, "simulator-chain.json"));

        // Returns once the web resource is healthy: before, it never started (it waited for a healthy indexer).
        await using var app = await OwnStack.StartAsync(_dataDirectory);
        using var second = await WebSession.AsDevAdminAsync(app, _dataDirectory);
        var web = second.Http;
        var status = await OwnStack.WaitForAsync(() => web.GetFromJsonAsync<JsonElement>("/api/pipeline/status"),
            s => s.GetProperty("indexerState").GetString() == "halted", TimeSpan.FromMinutes(1));
        var reason = status.GetProperty("reason").GetString()!;
        output.WriteLine($"first run's head {firstHead}; halted: {reason}");
        Assert.StartsWith("The database holds another chain than the node: both are chain SN_CIRO_SIM, but block 0 is ", reason);
        Assert.Contains("Nothing was written.", reason);
        // Nothing of the new chain was written: the newest block is still the first run's.
        var latest = await web.GetFromJsonAsync<JsonElement>("/api/blocks/latest");
        Assert.True(latest.GetProperty("blockNumber").GetInt64() >= firstHead, $"latest {latest} is below the first run's head {firstHead}");

        var banner = await ReadBannerAsync(app);
        output.WriteLine($"banner: {banner}");
        Assert.Equal(reason, banner.GetProperty("reason").GetString());

        // The alerts service evaluates pipeline-stalled every 15 s: one critical incident carrying the reason.
        var incidents = await OwnStack.WaitForAsync(() => web.GetFromJsonAsync<JsonElement>("/api/alerts/incidents?rule=pipeline-stalled&state=firing"),
            list => list.GetArrayLength() > 0, TimeSpan.FromMinutes(1));
        var incident = Assert.Single(incidents.EnumerateArray());
        Assert.Equal("critical", incident.GetProperty("severity").GetString());
        Assert.EndsWith(": " + reason, incident.GetProperty("summary").GetString());
    }

    private Task<JsonElement> ReadBannerAsync(DistributedApplication app) =>
        BrowserScript.RunForJsonAsync(app, File.ReadAllText(Path.Combine(_dataDirectory, "web-admin.password")).Trim(), output,
            "e2e/pipeline-banner.e2e.mjs", "--timeout", "90");

    public void Dispose() => OwnStack.DeleteDataDirectory(_dataDirectory);
}
