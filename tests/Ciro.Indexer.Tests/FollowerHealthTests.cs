using System.Net;
using Ciro.Indexer.Following;
using Ciro.Indexer.Tests.Infrastructure;
using Ciro.LocalInfrastructure;
using Ciro.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Ciro.Indexer.Tests;

/// <summary>The follower runs as one of the service's background loops: while it fails (no node answering) the
/// "background-loops" check is Unhealthy naming it and the error, the host keeps running, and the first
/// successful step once the node answers makes the check Healthy again.</summary>
public sealed class FollowerHealthTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_failing_follower_is_reported_down_and_healthy_again_once_the_node_answers()
    {
        var database = await postgres.NewDatabaseAsync();
        var nodePort = FreePort.Next();
        await using var indexer = await IndexerHost.StartAsync(database, $"http://127.0.0.1:{nodePort}/rpc",
            new Dictionary<string, string?> { ["Indexer:UseWebSocket"] = "false" });
        var loops = indexer.Services.GetRequiredService<BackgroundLoopHealth>();

        var down = await WaitForAsync(loops, HealthStatus.Unhealthy, indexer);
        Assert.StartsWith($"{ChainFollower.LoopName} is down: ", down.Description);
        Assert.Contains("Connection refused", down.Description);

        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 5);
        await using var node = new BlackholeProxy(new IPEndPoint(IPAddress.Loopback, new Uri(simulator.Url).Port), nodePort);
        var up = await WaitForAsync(loops, HealthStatus.Healthy, indexer);
        Assert.Null(up.Description);
        Assert.Equal(5, await StoredChain.WaitForCursorAsync(database, 5, TimeSpan.FromSeconds(30), () => indexer.Log));
        Assert.False(indexer.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    private static async Task<HealthCheckResult> WaitForAsync(BackgroundLoopHealth loops, HealthStatus status, IndexerHost indexer)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var result = await loops.CheckHealthAsync(new HealthCheckContext());
            if (result.Status == status)
            {
                return result;
            }
            Assert.True(DateTime.UtcNow < deadline, $"background-loops did not become {status} within 60 s (last: {result.Status} {result.Description}): {indexer.Log}");
            await Task.Delay(100);
        }
    }
}
