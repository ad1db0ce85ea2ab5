using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Ciro.Web.Live;

/// <summary>
/// Several web replicas serve one live stream: SignalR's Redis backplane carries every send to all, a group or a
/// user to the connections of every replica, so a push made by one replica reaches the browsers connected to the
/// others. Each relayed message is pushed by one replica only (<see cref="PushClaims"/>).
/// </summary>
public static class LiveBackplane
{
    /// <summary>Prefix of the backplane's Redis channels, apart from the relay's <c>ciro:*</c> message channels.</summary>
    public const string ChannelPrefix = "ciro:web:signalr:";

    /// <summary>The Redis connection (<c>ConnectionStrings:cache</c>) and its /health check.</summary>
    public const string CacheName = "cache";

    /// <summary>The backplane when a Redis connection (<c>ConnectionStrings:cache</c>) is configured; without one the
    /// hub serves this replica's connections only. Redis unreachable at start does not stop the host: the backplane
    /// connects when the first browser does (and again on the next one if that fails), and /health says Degraded.</summary>
    public static ISignalRServerBuilder AddLiveBackplane(this ISignalRServerBuilder signalR, IHostApplicationBuilder builder)
    {
        var cache = builder.Configuration.GetConnectionString(CacheName);
        if (string.IsNullOrWhiteSpace(cache))
        {
            return signalR;
        }
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(CacheName);
        return signalR.AddStackExchangeRedis(cache, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(ChannelPrefix));
    }
}

/// <summary>Redis down stops the live pushes, but the dashboard's pages and API reads still work: Degraded, not
/// Unhealthy, so a replica is not restarted for it. (Replaces the Aspire client's own check, which says Unhealthy.)</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(redis.IsConnected
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded($"Redis ({LiveBackplane.CacheName}) is unreachable: live updates are paused"));
}
