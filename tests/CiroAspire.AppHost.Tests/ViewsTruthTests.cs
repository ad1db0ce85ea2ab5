using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// Every analytics view in Debian's Chromium against the chain simulator's ground truth for a closed hour. The
/// views' smallest bucket is an hour, so the chain must hold a finished one: this test's stack (its own, so the shared
/// stack's 1 s chain is not made to index an hour of history) starts a 10 s chain (seed 42) with pre-generated history
/// from <see cref="HistoryBeforeTheHour"/> before the hour it starts in. ClientApp/e2e/views.e2e.mjs reads that hour's
/// canonical blocks from the simulator (<c>/admin/state</c>, <c>/admin/blocks/{n}</c>), computes by hand what each view
/// must show (transactions and blocks, TPS over the chain's block intervals, reverted share, L2 gas fullness, inclusion
/// intervals and their mean, jobs assigned and completed over the leaderboard, the hour's transaction count in the
/// anomaly series) and checks the page shows exactly that, and the analytics API's numbers; a filter changes the URL
/// and the data, a drill-down keeps the range, exports equal the API; the compare toggle goes to the URL, fetches
/// the previous period and draws it on the current buckets, with the values the API gives for the previous hour
/// (read from the chart's tooltip on that point). Screenshots of each view (both themes) go to
/// TestResults/screenshots/. Not in the shared stack's collection, so that stack is not running beside this one.
/// </summary>
public sealed class ViewsTruthTests(ITestOutputHelper output) : IDisposable
{
    private const int BlockSeconds = 10;
    private const int HistoryBeforeTheHour = 15 * 60;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"ciro-views-{Guid.NewGuid():N}");

    [Fact]
    public async Task Each_view_shows_the_simulators_ground_truth_for_a_closed_hour()
    {
        var history = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 3600 + HistoryBeforeTheHour) / BlockSeconds;
        await using var app = await OwnStack.StartAsync(_dataDirectory,
            $"--Simulator:BlockIntervalMs={BlockSeconds * 1000}", $"--Simulator:PregenerateBlocks={history}");
        var password = File.ReadAllText(Path.Combine(_dataDirectory, "web-admin.password")).Trim();
        using var chain = await OwnStack.ChainAdminClientAsync(app);
        var genesis = (await chain.GetFromJsonAsync<JsonElement>("/admin/blocks/0")).GetProperty("timestamp").GetInt64();
        // Genesis is some minutes before the hour the stack started in: the hour of genesis is over.
        var from = DateTimeOffset.FromUnixTimeSeconds(genesis - genesis % 3600);
        var to = from.AddHours(1);
        Assert.True(to <= DateTimeOffset.UtcNow, $"the range {from:O} → {to:O} is not over yet (genesis {genesis})");

        var stdout = await BrowserScript.RunAsync(app, password, output,
            new Dictionary<string, string> { ["CIRO_E2E_CHAIN_KEY"] = chain.DefaultRequestHeaders.GetValues("X-Admin-Key").Single() },
            "e2e/views.e2e.mjs",
            "--from", from.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            "--to", to.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            "--chain", app.GetEndpoint("chain", "http").ToString(),
            "--screenshots", BrowserScript.Screenshots, "--timeout", "270");
        output.WriteLine(stdout);
        var result = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        var truth = result.GetProperty("truth");
        Assert.True(truth.GetProperty("blocks").GetInt32() >= 20, $"only {truth.GetProperty("blocks")} blocks in the hour");
        Assert.True(truth.GetProperty("transactions").GetInt32() > 0);
        var checkedViews = result.GetProperty("checked").EnumerateArray().Select(c => c.GetString()!.Split(':')[0]).ToList();
        Assert.Equal(["overview", "timing", "workers", "anomalies", "compare"], checkedViews);
    }

    public void Dispose() => OwnStack.DeleteDataDirectory(_dataDirectory);
}
