using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// A developer's runs on one data folder, each phase on the stack the phase before left (one test: every stack
/// start costs a minute or two of CI on two cores, and each phase needs the data the one before wrote):
/// <list type="number">
/// <item>The second F5: a stack started again on the same data folder goes live again (the simulator's chain
/// persists, caught up to the clock), past the first run's head, with the first run's blocks kept.</item>
/// <item>The chain restarted alone from its dashboard command ends in a live dashboard, its blocks kept.</item>
/// <item>Issue 18, the node reset (the simulator's chain file deleted, so a new chain starts) while the database keeps
/// the old chain: the indexer halts before its first batch; the rest of the stack still comes up (it waits for the
/// indexer to start, not to be healthy), shows the halt in the dashboard banner and opens the critical
/// pipeline-stalled incident.</item>
/// </list>
/// In the stack collection: one stack starts at a time on the shared cores.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class RestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"ciro-restart-{Guid.NewGuid():N}");

    [Fact]
    public async Task Runs_again_restarts_the_chain_alone_and_after_a_node_reset_halts_with_its_banner_and_incident()
    {
        long firstHead;
        string firstHash;
        await using (var first = await StartStackAsync())
        {
            using var session = await WebSession.AsDevAdminAsync(first, _dataDirectory);
            var latest = await WaitForLatestBlockAsync(session.Http, n => n >= 5, Minute);
            (firstHead, firstHash) = (latest.GetProperty("blockNumber").GetInt64(), latest.GetProperty("blockHash").GetString()!);
            output.WriteLine($"first run: latest block {firstHead} {firstHash}");
        }

        long secondHead;
        await using (var second = await StartStackAsync())
        {
            // The generated admin password is kept in the data folder: the same one signs in again.
            using var session = await WebSession.AsDevAdminAsync(second, _dataDirectory);
            var web = session.Http;
            var advanced = await WaitForLatestBlockAsync(web, n => n > firstHead, Minute);
            output.WriteLine($"second run: latest block {advanced.GetProperty("blockNumber").GetInt64()}");
            // The same chain: the first run's head is still there, same hash (nothing was rolled back or refused).
            await AssertKeptAndIndexingAsync(web, firstHead, firstHash);

            secondHead = await RestartTheChainAloneAsync(second, web);
        }

        await HaltAfterANodeResetAsync(secondHead);
    }

    /// <remarks>The restart command returns once the stop and the start are requested; until DCP reports the new
    /// process, the chain's last snapshot is still the stopped one (Exited). Waiting for "healthy" at that point with
    /// the testing default (stop waiting when the resource is unavailable) threw "failed to start" at once — what a
    /// loaded clean-clone run hit, while the chain itself came back. So: first the new process Running, then healthy.</remarks>
    private async Task<long> RestartTheChainAloneAsync(DistributedApplication app, HttpClient web)
    {
        var before = await WaitForLatestBlockAsync(web, n => n >= 5, Minute);
        var (head, hash) = (before.GetProperty("blockNumber").GetInt64(), before.GetProperty("blockHash").GetString()!);
        var pidBefore = ChainProcessId(app);

        var restart = await app.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync("chain", KnownResourceCommands.RestartCommand);
        Assert.True(restart.Success, $"restart command failed: {restart.Message}");
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        using (var restarted = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            await notifications.WaitForResourceAsync("chain", e => e.Snapshot.State?.Text == KnownResourceStates.Running
                && ProcessId(e.Snapshot) is { } pid && pid != pidBefore, restarted.Token);
            await notifications.WaitForResourceHealthyAsync("chain", WaitBehavior.WaitOnResourceUnavailable, restarted.Token);
        }
        var pidAfter = ChainProcessId(app);
        output.WriteLine($"chain restarted: pid {pidBefore} -> {pidAfter}, latest block before {head}");
        Assert.NotEqual(pidBefore, pidAfter);

        var advanced = await WaitForLatestBlockAsync(web, n => n > head + 2, Minute);
        output.WriteLine($"after the restart: latest block {advanced.GetProperty("blockNumber").GetInt64()}");
        await AssertKeptAndIndexingAsync(web, head, hash);
        return advanced.GetProperty("blockNumber").GetInt64();
    }

    private async Task HaltAfterANodeResetAsync(long previousHead)
    {
        File.Delete(Path.Combine(_dataDirectory, "simulator-chain.json"));

        // Returns once the web resource is healthy: before, it never started (it waited for a healthy indexer).
        await using var app = await StartStackAsync();
        using var session = await WebSession.AsDevAdminAsync(app, _dataDirectory);
        var web = session.Http;
        var status = await OwnStack.WaitForAsync(() => web.GetFromJsonAsync<JsonElement>("/api/pipeline/status"),
            s => s.GetProperty("indexerState").GetString() == "halted", Minute);
        var reason = status.GetProperty("reason").GetString()!;
        output.WriteLine($"previous run's head {previousHead}; halted: {reason}");
        Assert.StartsWith("The database holds another chain than the node: both are chain SN_CIRO_SIM, but block 0 is ", reason);
        Assert.Contains("Nothing was written.", reason);
        // Nothing of the new chain was written: the newest block is still the previous run's.
        var latest = await web.GetFromJsonAsync<JsonElement>("/api/blocks/latest");
        Assert.True(latest.GetProperty("blockNumber").GetInt64() >= previousHead, $"latest {latest} is below the previous run's head {previousHead}");

        var banner = await HaltTests.ReadBannerAsync(app, _dataDirectory, output);
        output.WriteLine($"banner: {banner}");
        Assert.Equal(reason, banner.GetProperty("reason").GetString());

        // The alerts service evaluates pipeline-stalled every 15 s: one critical incident carrying the reason.
        var incidents = await OwnStack.WaitForAsync(() => web.GetFromJsonAsync<JsonElement>("/api/alerts/incidents?rule=pipeline-stalled&state=firing"),
            list => list.GetArrayLength() > 0, Minute);
        var incident = Assert.Single(incidents.EnumerateArray());
        Assert.Equal("critical", incident.GetProperty("severity").GetString());
        Assert.EndsWith(": " + reason, incident.GetProperty("summary").GetString());
    }

    private static async Task AssertKeptAndIndexingAsync(HttpClient web, long head, string hash)
    {
        var kept = await web.GetFromJsonAsync<JsonElement>($"/api/blocks/{head}/summary");
        Assert.Equal(hash, kept.GetProperty("blockHash").GetString());
        Assert.Equal("indexing", (await web.GetFromJsonAsync<JsonElement>("/api/pipeline/status")).GetProperty("indexerState").GetString());
    }

    private static string? ChainProcessId(DistributedApplication app) =>
        app.Services.GetRequiredService<ResourceNotificationService>().TryGetCurrentState("chain", out var chain) ? ProcessId(chain.Snapshot) : null;

    private static string? ProcessId(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString();

    private Task<DistributedApplication> StartStackAsync() => OwnStack.StartAsync(_dataDirectory);

    private static Task<JsonElement> WaitForLatestBlockAsync(HttpClient web, Func<long, bool> accept, TimeSpan timeout) =>
        OwnStack.WaitForLatestBlockAsync(web, accept, timeout);

    public void Dispose() => OwnStack.DeleteDataDirectory(_dataDirectory);
}
