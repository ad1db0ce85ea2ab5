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
/// with the same reason and since when. Its own stack: the halt would break the shared one. (A halt at start-up,
/// after a node reset, is the last phase of <see cref="RestartTests"/>.)
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
        var banner = await ReadBannerAsync(app, _dataDirectory, output);
        output.WriteLine($"banner: {banner}");
        Assert.Equal(reason, banner.GetProperty("reason").GetString());
        Assert.Equal(since, banner.GetProperty("since").GetDateTimeOffset());
        Assert.StartsWith("Indexing halted since ", banner.GetProperty("text").GetString());
    }

    /// <summary>The halt banner as Debian's Chromium shows it to the admin of the stack in <paramref name="dataDirectory"/>.</summary>
    internal static Task<JsonElement> ReadBannerAsync(DistributedApplication app, string dataDirectory, ITestOutputHelper output) =>
        BrowserScript.RunForJsonAsync(app, File.ReadAllText(Path.Combine(dataDirectory, "web-admin.password")).Trim(), output,
            "e2e/pipeline-banner.e2e.mjs", "--timeout", "90");

    public void Dispose() => OwnStack.DeleteDataDirectory(_dataDirectory);
}
