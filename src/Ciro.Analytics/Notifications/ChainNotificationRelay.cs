using System.Text.Json;
using System.Threading.Channels;
using Ciro.Analytics.Caching;
using Ciro.Analytics.Rollups;
using Ciro.Analytics.Extensions;
using Npgsql;
using StackExchange.Redis;

namespace Ciro.Analytics.Notifications;

/// <summary>
/// LISTENs to the indexer's commit and reorg notifications (sent inside its commit, so they arrive only for
/// data that is really stored), brings the rollups up to date, invalidates cached answers, and only then
/// republishes them on Redis: a consumer that refetches on the message sees rollups that include the block.
/// Notifications queue in a channel and are handled in order; a backlog is folded into one reconcile pass.
/// Reconnects with backoff; a reconnect reconciles everything and publishes a resync, because notifications
/// sent while disconnected are lost.
/// </summary>
public sealed class ChainNotificationRelay(
    NpgsqlDataSource dataSource,
    IConnectionMultiplexer redis,
    RollupReconciler rollups,
    QueryCache cache,
    SchemaReadiness schema,
    AnalyticsMetrics metrics,
    ILogger<ChainNotificationRelay> logger) : BackgroundService
{
    public const string BlocksChannel = "ciro_blocks";
    public const string ReorgChannel = "ciro_reorg";
    public const string RedisBlocksChannel = "ciro:blocks";
    public const string RedisReorgChannel = "ciro:reorg";
    private const string ResyncPayload = "{\"resync\":true}";

    private readonly Channel<(string Channel, string Payload)> _queue = Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var processing = ProcessAsync(stoppingToken);
        await ListenAsync(stoppingToken);
        _queue.Writer.TryComplete();
        await processing;
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => _queue.Writer.TryWrite((e.Channel, e.Payload));
                await using (var listen = new NpgsqlCommand($"listen {BlocksChannel}; listen {ReorgChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                logger.LogInformation("Listening for chain notifications");
                // Both the first start (backfill) and a reconnect (missed notifications) reconcile everything.
                _queue.Writer.TryWrite((first ? "start" : "resync", ResyncPayload));
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

    private async Task ProcessAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                var batch = new List<(string Channel, string Payload)>();
                while (_queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }
                try
                {
                    await schema.WaitAsync(stoppingToken);
                    await rollups.ReconcileAsync(FromBlock(batch), stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    // Rollups catch up on the next pass (the ledger diff finds every stale hour); consumers still
                    // hear about the block so raw-backed views stay live.
                    metrics.RollupErrors.Add(1);
                    logger.LogError(ex, "Rollup reconcile failed; will retry on the next notification");
                }
                await cache.InvalidateAsync();
                foreach (var (channel, payload) in batch)
                {
                    if (channel == "start")
                    {
                        continue;
                    }
                    if (channel == "resync")
                    {
                        metrics.NotificationResyncs.Add(1);
                    }
                    metrics.NotificationsRelayed.Add(1, new KeyValuePair<string, object?>("channel", channel));
                    await PublishAsync(channel == ReorgChannel ? RedisReorgChannel : RedisBlocksChannel, payload);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The lowest block any notification in the batch touches; null (everything) when one is a
    /// start/resync or cannot be read.</summary>
    private static long? FromBlock(List<(string Channel, string Payload)> batch)
    {
        long? lowest = long.MaxValue;
        foreach (var (channel, payload) in batch)
        {
            try
            {
                using var json = JsonDocument.Parse(payload);
                var property = channel == ReorgChannel ? "fromBlock" : "from";
                if (channel is "start" or "resync" || !json.RootElement.TryGetProperty(property, out var value) || !value.TryGetInt64(out var block))
                {
                    return null;
                }
                lowest = Math.Min(lowest.Value, block);
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return lowest;
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
