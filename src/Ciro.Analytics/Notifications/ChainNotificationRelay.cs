using Npgsql;
using StackExchange.Redis;

namespace Ciro.Analytics.Notifications;

/// <summary>
/// LISTENs to the indexer's commit and reorg notifications (sent inside its commit, so they arrive only for
/// data that is really stored) and republishes them on Redis for the web tier and other consumers, after
/// the analytics side has reacted. Reconnects with backoff; a reconnect publishes a resync because
/// notifications sent while disconnected are lost.
/// </summary>
public sealed class ChainNotificationRelay(
    NpgsqlDataSource dataSource,
    IConnectionMultiplexer redis,
    AnalyticsMetrics metrics,
    ILogger<ChainNotificationRelay> logger) : BackgroundService
{
    public const string BlocksChannel = "ciro_blocks";
    public const string ReorgChannel = "ciro_reorg";
    public const string RedisBlocksChannel = "ciro:blocks";
    public const string RedisReorgChannel = "ciro:reorg";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Relay(e.Channel, e.Payload);
                await using (var listen = new NpgsqlCommand($"listen {BlocksChannel}; listen {ReorgChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                logger.LogInformation("Listening for chain notifications");
                if (!first)
                {
                    metrics.NotificationResyncs.Add(1);
                    await PublishAsync(RedisBlocksChannel, "{\"resync\":true}");
                }
                first = false;
                delay = TimeSpan.FromMilliseconds(250);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.IO.IOException or InvalidOperationException)
            {
                metrics.NotificationErrors.Add(1);
                logger.LogWarning(ex, "Chain notification listener lost its connection; retrying in {Delay}", delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }
    }

    private void Relay(string channel, string payload)
    {
        var target = channel == ReorgChannel ? RedisReorgChannel : RedisBlocksChannel;
        metrics.NotificationsRelayed.Add(1, new KeyValuePair<string, object?>("channel", channel));
        _ = PublishAsync(target, payload);
    }

    private async Task PublishAsync(string channel, string payload)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), payload);
        }
        catch (RedisException ex)
        {
            metrics.NotificationErrors.Add(1);
            logger.LogWarning(ex, "Could not publish {Channel} notification to Redis", channel);
        }
    }
}
