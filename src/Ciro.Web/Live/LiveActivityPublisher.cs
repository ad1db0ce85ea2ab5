using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Ciro.Web.Live;

/// <summary>
/// Turns "blocks committed" notifications (Redis, relayed by analytics) into SignalR pushes: the block range,
/// then the refreshed jobs activity. Bursts are coalesced: while one refresh runs, further notifications
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
    private readonly SemaphoreSlim _refreshNeeded = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal("ciro:blocks"), (_, message) => OnBlocks(message));
        await subscriber.SubscribeAsync(RedisChannel.Literal("ciro:reorg"), (_, message) => OnReorg(message));
        logger.LogInformation("Subscribed to chain notifications");
        while (!stoppingToken.IsCancellationRequested)
        {
            await _refreshNeeded.WaitAsync(stoppingToken);
            try
            {
                var activity = await analytics.GetJobsActivityAsync(DefaultMinutes, stoppingToken);
                if (activity is not null)
                {
                    await hub.Clients.All.SendAsync("jobsActivity", activity.Value, stoppingToken);
                    metrics.Pushes.Add(1, new KeyValuePair<string, object?>("message", "jobsActivity"));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                metrics.RefreshErrors.Add(1);
                logger.LogWarning(ex, "Could not refresh jobs activity for live clients");
            }
        }
    }

    private void OnBlocks(RedisValue message)
    {
        if (TryParse(message, out var payload) && payload.TryGetProperty("from", out _))
        {
            _ = hub.Clients.All.SendAsync("blockCommitted", payload);
            metrics.Pushes.Add(1, new KeyValuePair<string, object?>("message", "blockCommitted"));
        }
        RequestRefresh();
    }

    private void OnReorg(RedisValue message)
    {
        if (TryParse(message, out var payload))
        {
            _ = hub.Clients.All.SendAsync("reorg", payload);
            metrics.Pushes.Add(1, new KeyValuePair<string, object?>("message", "reorg"));
        }
        RequestRefresh();
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

    private bool TryParse(RedisValue message, out JsonElement payload)
    {
        try
        {
            using var document = JsonDocument.Parse(message.ToString());
            payload = document.RootElement.Clone();
            return true;
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Ignoring malformed chain notification {Payload}", message.ToString());
            payload = default;
            return false;
        }
    }
}
