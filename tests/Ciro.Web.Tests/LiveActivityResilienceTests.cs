using System.Net;
using Ciro.LocalInfrastructure;
using Ciro.Messages;
using Ciro.Web.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Ciro.Web.Tests;

/// <summary>
/// The web host against a real Redis and a real (in-test Kestrel) analytics API that stops answering: the
/// HTTP resilience handler gives up with its TimeoutRejectedException, which used to escape the live-activity
/// loop and stop the host. Now the host keeps serving, /health answers at once (it does not call analytics) that
/// it is Degraded, which loop and why, and after
/// analytics answers again (and the backoff has passed on the fake clock) it is healthy and pushes again.
/// </summary>
public sealed class LiveActivityResilienceTests : IAsyncLifetime
{
    private LocalRedis _redis = null!;
    private WebApplication _analytics = null!;
    private volatile TaskCompletionSource _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;

    public async Task InitializeAsync()
    {
        _redis = await LocalRedis.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _analytics = builder.Build();
        _answer.SetResult(); // answering
        _analytics.MapGet("/api/activity/jobs", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _requests);
            // Not answering = the request hangs until the client gives up (or analytics is told to answer).
            await _answer.Task.WaitAsync(context.RequestAborted);
            return Results.Json(new { minutes = 30, series = Array.Empty<object>() });
        });
        await _analytics.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _answer.TrySetResult();
        await _analytics.DisposeAsync();
        _redis.Dispose();
    }

    [Fact]
    public async Task Analytics_timing_out_degrades_health_without_stopping_the_host_and_it_recovers()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-02T12:00:00Z"));
        await using var web = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:cache", _redis.ConnectionString);
            b.UseSetting("Ciro:AnalyticsUrl", _analytics.Urls.Single());
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
        });
        var http = web.CreateClient();
        var lifetime = web.Services.GetRequiredService<IHostApplicationLifetime>();
        using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

        // Analytics stops answering; a block arrives and the publisher asks for the jobs activity.
        _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var block = new BlocksCommitted(7, 7, DateTimeOffset.Parse("2026-03-02T12:00:00Z"));
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(MessageChannels.Blocks.Redis), MessageSerializer.Serialize(block));
        var loops = await PumpUntilAsync(clock, web, HealthStatus.Degraded);
        Assert.Contains($"{LiveActivityPublisher.LoopName} is degraded (a service it calls is failing): ", loops.Description);
        Assert.Contains("TimeoutRejectedException", loops.Description);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the web host is stopping");
        // Analytics still hangs: /health answers anyway, Degraded (200), not Unhealthy (503).
        using var degraded = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
        Assert.Equal("Degraded", await degraded.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
        // A minute more of hanging analytics (the loop retries and times out again on the fake clock): Degraded
        // every second, never Unhealthy.
        var checks = web.Services.GetRequiredService<HealthCheckService>();
        var before = Volatile.Read(ref _requests);
        for (var second = 0; second < 60; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
            Assert.Equal(HealthStatus.Degraded, (await checks.CheckHealthAsync()).Status);
        }

        Assert.True(Volatile.Read(ref _requests) > before, "the refresh was not retried while analytics hung");

        // Analytics answers again: the retried refresh (no new block needed) succeeds.
        _answer.TrySetResult();
        await PumpUntilAsync(clock, web, HealthStatus.Healthy);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
    }

    /// <summary>Moves the fake clock a second at a time (the resilience handler's timeouts and retry delays and
    /// the loop's backoff all run on it) until the background-loops check has <paramref name="wanted"/>.</summary>
    private static async Task<HealthReportEntry> PumpUntilAsync(FakeTimeProvider clock, WebApplicationFactory<Program> web, HealthStatus wanted)
    {
        var health = web.Services.GetRequiredService<HealthCheckService>();
        for (var i = 0; i < 3000; i++)
        {
            var report = await health.CheckHealthAsync(r => r.Name == BackgroundLoopHealth.CheckName);
            var entry = report.Entries[BackgroundLoopHealth.CheckName];
            if (entry.Status == wanted)
            {
                return entry;
            }
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
        throw new TimeoutException($"the background-loops check never became {wanted}");
    }
}
