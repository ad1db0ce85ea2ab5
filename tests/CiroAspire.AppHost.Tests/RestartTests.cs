using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// The second F5: a stack started again on the same data folder goes live again (the simulator's chain persists,
/// caught up to the clock), past the first run's head, with the first run's blocks kept.
/// Each test runs its own stacks (in the stack collection: one stack starts at a time on the shared cores).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class RestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"ciro-restart-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_stack_started_again_on_the_same_data_goes_live_past_the_first_runs_head()
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

        await using var second = await StartStackAsync();
        // The generated admin password is kept in the data folder: the same one signs in again.
        using (var session = await WebSession.AsDevAdminAsync(second, _dataDirectory))
        {
            var web = session.Http;
            var advanced = await WaitForLatestBlockAsync(web, n => n > firstHead, Minute);
            output.WriteLine($"second run: latest block {advanced.GetProperty("blockNumber").GetInt64()}");
            // The same chain: the first run's head is still there, same hash (nothing was rolled back or refused).
            var kept = await web.GetFromJsonAsync<JsonElement>($"/api/blocks/{firstHead}/summary");
            Assert.Equal(firstHash, kept.GetProperty("blockHash").GetString());
            Assert.Equal("indexing", (await web.GetFromJsonAsync<JsonElement>("/api/pipeline/status")).GetProperty("indexerState").GetString());
        }
    }

    /// <remarks>The restart command returns once the stop and the start are requested; until DCP reports the new
    /// process, the chain's last snapshot is still the stopped one (Exited). Waiting for "healthy" at that point with
    /// the testing default (stop waiting when the resource is unavailable) threw "failed to start" at once — what a
    /// loaded clean-clone run hit, while the chain itself came back. So: first the new process Running, then healthy.</remarks>
    [Fact]
    public async Task The_chain_restarted_alone_from_its_dashboard_command_ends_in_a_live_dashboard()
    {
        await using var app = await StartStackAsync();
        using var session = await WebSession.AsDevAdminAsync(app, _dataDirectory);
        var web = session.Http;
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
