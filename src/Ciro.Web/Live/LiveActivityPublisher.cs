using Ciro.Messages;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Ciro.Web.Live;

/// <summary>
/// Forwards every message relayed on Redis (by analytics) to the browsers as its SignalR method, then, for chain
/// messages, pushes the refreshed jobs activity. With several replicas, the one that claims a message
/// (<see cref="PushClaims"/>) pushes it to every browser through the backplane, and refreshes. Bursts are coalesced:
/// while one refresh runs, further messages only mark the next refresh as needed, so a fast backfill does not
/// flood browsers.
/// A refresh that fails in any way (analytics down, the resilience handler's timeout or open circuit) never
/// stops the web host: it is counted, /health reports the loop down, and the refresh is retried with backoff.
/// </summary>
public sealed class LiveActivityPublisher(
    IConnectionMultiplexer redis,
    IHubContext<ActivityHub> hub,
    PushClaims claims,
    AnalyticsClient analytics,
    LiveMetrics metrics,
    BackgroundLoopHealth health,
    TimeProvider time,
    ILogger<LiveActivityPublisher> logger) : BackgroundService
{
    public const int DefaultMinutes = 30;
    public const string JobsActivityMethod = "jobsActivity";
    public const string LoopName = "live-activity";
    private readonly SemaphoreSlim _refreshNeeded = new(0, 1);
    private bool _subscribed;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundLoop.RunAsync(LoopName, RefreshOnceAsync, health, time, logger, stoppingToken, IsDependencyFailure);

    /// <summary>Analytics slow (the resilience handler's timeout), failing or refusing: the dashboard still serves
    /// and pushes blocks, with an older jobs chart; Redis unreachable: it serves without live pushes. Either way
    /// /health says Degraded rather than Unhealthy.</summary>
    private static bool IsDependencyFailure(Exception ex) =>
        ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
            or RedisException or RedisTimeoutException;

    private async Task RefreshOnceAsync(CancellationToken stoppingToken)
    {
        if (!_subscribed)
        {
            var subscriber = redis.GetSubscriber();
            foreach (var channel in MessageChannels.All)
            {
                // A queue per channel, read in order: the claim's round trip must not let block 8 overtake block 7.
                var queue = await subscriber.SubscribeAsync(RedisChannel.Literal(channel.Redis));
                queue.OnMessage(received => ForwardAsync(channel, received.Message));
            }
            _subscribed = true;
            logger.LogInformation("Subscribed to chain notifications");
        }
        await _refreshNeeded.WaitAsync(stoppingToken);
        try
        {
            var activity = await analytics.GetJobsActivityAsync(DefaultMinutes, stoppingToken);
            if (activity is not null)
            {
                await hub.Clients.All.SendAsync(JobsActivityMethod, activity.Value, stoppingToken);
                metrics.Pushes.Add(1, new KeyValuePair<string, object?>("message", JobsActivityMethod));
            }
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Browsers still show the failed refresh's data: ask again, so the retry after the backoff brings
            // them up to date even if no new block arrives.
            metrics.RefreshErrors.Add(1);
            RequestRefresh();
            throw;
        }
    }

    private async Task ForwardAsync(MessageChannel channel, RedisValue payload)
    {
        CiroMessage message;
        try
        {
            message = MessageSerializer.Deserialize(channel, payload.ToString());
        }
        catch (MessageFormatException ex)
        {
            metrics.MalformedMessages.Add(1, new KeyValuePair<string, object?>("channel", channel.Redis));
            logger.LogWarning(ex, "Ignoring an unreadable message on {Channel}", channel.Redis);
            return;
        }
        try
        {
            if (!await claims.TryClaimAsync(channel, (byte[])payload!))
            {
                return; // another replica pushes it (or already pushed this copy of it)
            }
            await hub.Clients.All.SendAsync(channel.HubMethod, message);
            metrics.Pushes.Add(1, new KeyValuePair<string, object?>("message", channel.HubMethod));
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            // Redis went away between delivering the message and the claim or the backplane's publish: browsers
            // miss this push and refetch when their connection comes back.
            metrics.PushErrors.Add(1, new KeyValuePair<string, object?>("message", channel.HubMethod));
            logger.LogWarning(ex, "Could not push a {Method} message", channel.HubMethod);
            return;
        }
        if (message is BlocksCommitted or Reorg or Resync)
        {
            RequestRefresh();
        }
    }

    private void RequestRefresh()
    {
        if (_refreshNeeded.CurrentCount == 0)
        {
            try
            {
                _refreshNeeded.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another notification already asked for the refresh.
            }
        }
    }
}
