using System.Text.Json;
using Ciro.Messages;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Ciro.Web.Live;

/// <summary>
/// Forwards every message relayed on Redis (by analytics) to the browsers as its SignalR method, then, for chain
/// messages, pushes the refreshed jobs activity. Bursts are coalesced: while one refresh runs, further messages
/// only mark the next refresh as needed, so a fast backfill does not flood browsers.
/// </summary>
public sealed class LiveActivityPublisher(
    IConnectionMultiplexer redis,
    IHubContext<ActivityHub> hub,
    AnalyticsClient analytics,
    LiveMetrics metrics,
    ILogger<LiveActivityPublisher> logger) : BackgroundService
{
    public const int DefaultMinutes = 30;
    public const string JobsActivityMethod = "jobsActivity";
    private readonly SemaphoreSlim _refreshNeeded = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var subscriber = redis.GetSubscriber();
        foreach (var channel in MessageChannels.All)
        {
            await subscriber.SubscribeAsync(RedisChannel.Literal(channel.Redis), (_, payload) => Forward(channel, payload));
        }
        logger.LogInformation("Subscribed to chain notifications");
        while (!stoppingToken.IsCancellationRequested)
        {
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
            catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                metrics.RefreshErrors.Add(1);
                logger.LogWarning(ex, "Could not refresh jobs activity for live clients");
            }
        }
    }

    private void Forward(MessageChannel channel, RedisValue payload)
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
        _ = hub.Clients.All.SendAsync(channel.HubMethod, message);
        metrics.Pushes.Add(1, new KeyValuePair<string, object?>("message", channel.HubMethod));
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
