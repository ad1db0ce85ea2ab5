using System.Threading.Channels;
using Ciro.Analytics.Caching;
using Ciro.Analytics.Extensions;
using Ciro.Analytics.Rollups;
using Ciro.Messages;
using Npgsql;
using StackExchange.Redis;

namespace Ciro.Analytics.Notifications;

/// <summary>
/// LISTENs to every message channel (producers notify inside their commit, so messages arrive only for data that
/// is really stored). For chain messages it brings the rollups up to date and invalidates cached answers first,
/// and only then republishes on Redis: a consumer that refetches on the message sees rollups that include the
/// block. Messages queue in a channel and are handled in order; a backlog is folded into one reconcile pass.
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
    /// <summary>A received message, or (Message null) the first start: reconcile everything, tell nobody.</summary>
    private readonly record struct Received(CiroMessage? Message);

    private readonly Channel<Received> _queue = Channel.CreateUnbounded<Received>(new UnboundedChannelOptions { SingleReader = true });

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
        var listen = string.Join("; ", MessageChannels.All.Select(c => $"listen {c.Postgres}"));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => _queue.Writer.TryWrite(new Received(Read(e.Channel, e.Payload)));
                await using (var command = new NpgsqlCommand(listen, connection))
                {
                    await command.ExecuteNonQueryAsync(stoppingToken);
                }
                logger.LogInformation("Listening for chain notifications");
                // Both the first start (backfill) and a reconnect (missed notifications) reconcile everything.
                _queue.Writer.TryWrite(new Received(first ? null : new Resync(ResyncReason.Reconnected)));
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

    /// <summary>An unreadable payload (a producer of another version) becomes a resync: consumers refetch
    /// everything rather than miss the change it announced.</summary>
    private CiroMessage Read(string channelName, string payload)
    {
        try
        {
            var channel = MessageChannels.FromPostgres(channelName)
                ?? throw new InvalidOperationException($"Notification on unknown channel {channelName}");
            return MessageSerializer.Deserialize(channel, payload);
        }
        catch (Exception ex) when (ex is MessageFormatException or InvalidOperationException)
        {
            metrics.NotificationErrors.Add(1);
            logger.LogError(ex, "Unreadable notification on {Channel}; asking consumers to resync", channelName);
            return new Resync(ResyncReason.UnreadableNotification);
        }
    }

    private async Task ProcessAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                var batch = new List<Received>();
                while (_queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }
                if (ChangesBlocks(batch, out var fromBlock))
                {
                    try
                    {
                        await schema.WaitAsync(stoppingToken);
                        await rollups.ReconcileAsync(fromBlock, stoppingToken);
                    }
                    catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
                    {
                        // Rollups catch up on the next pass (the ledger diff finds every stale hour); consumers still
                        // hear about the block so raw-backed views stay live.
                        metrics.RollupErrors.Add(1);
                        logger.LogError(ex, "Rollup reconcile failed; will retry on the next notification");
                    }
                    await cache.InvalidateAsync();
                }
                foreach (var message in batch.Select(r => r.Message).OfType<CiroMessage>())
                {
                    var channel = MessageChannels.Of(message);
                    if (message is Resync)
                    {
                        metrics.NotificationResyncs.Add(1);
                    }
                    metrics.NotificationsRelayed.Add(1, new KeyValuePair<string, object?>("channel", channel.Postgres));
                    await PublishAsync(channel.Redis, MessageSerializer.Serialize(message));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Whether the batch changed stored blocks, and the lowest one it changed (null: possibly any, after
    /// a start or a resync). Incidents and KPI invalidations change no block.</summary>
    private static bool ChangesBlocks(List<Received> batch, out long? fromBlock)
    {
        fromBlock = null;
        var changes = false;
        foreach (var received in batch)
        {
            long from;
            switch (received.Message)
            {
                case BlocksCommitted blocks:
                    from = blocks.From;
                    break;
                case Reorg reorg:
                    from = reorg.FromBlock;
                    break;
                case null or Resync:
                    fromBlock = null;
                    return true;
                default:
                    continue;
            }
            fromBlock = changes ? Math.Min(fromBlock!.Value, from) : from;
            changes = true;
        }
        return changes;
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
