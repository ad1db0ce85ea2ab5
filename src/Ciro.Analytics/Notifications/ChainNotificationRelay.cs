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
/// is really stored) and republishes each message on Redis as soon as it is read: the push to dashboards follows
/// the indexer, not the rollups. For chain messages the query cache is invalidated first (a consumer refetching
/// the latest block or the jobs chart on the push reads it fresh) and a rollup pass is requested; the rollup loop
/// brings the rollups up to date (a backlog of requests is one pass from the lowest block), invalidates the cache
/// again and publishes <see cref="KpiInvalidated"/> for each KPI family over the hours the pass changed, which is
/// when views backed by rollups should refetch. A failed pass is retried after the loop's backoff, from the same
/// block. Messages queue in a bounded channel and are handled in order. When the processor falls so far behind
/// that the queue is full, further messages are dropped and counted and one resync (reason dropped) takes their
/// place, so nothing is lost silently and memory stays bounded. The three loops (listener, processor, rollups)
/// run under <see cref="BackgroundLoop"/>: any exception is logged, reported on /health and retried with
/// backoff. A reconnect reconciles everything and publishes a resync, because notifications sent while
/// disconnected are lost. The LISTEN connection is probed after <see cref="ProbeInterval"/> of silence with a
/// <see cref="ProbeTimeout"/> command timeout, so a silently dropped TCP connection is noticed within about 20 s
/// instead of the kernel's ~2 hours.
/// </summary>
public sealed class ChainNotificationRelay(
    NpgsqlDataSource dataSource,
    IConnectionMultiplexer redis,
    RollupReconciler rollups,
    QueryCache cache,
    SchemaReadiness schema,
    AnalyticsMetrics metrics,
    BackgroundLoopHealth health,
    TimeProvider time,
    ILogger<ChainNotificationRelay> logger) : BackgroundService
{
    public const string ListenerLoop = "notification-listener";
    public const string ProcessorLoop = "notification-processor";
    public const string RollupLoop = "rollup-reconciler";
    public const int QueueCapacity = 1024;
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A received message, or (Message null) the first start: reconcile everything, tell nobody.</summary>
    private readonly record struct Received(CiroMessage? Message);

    private readonly Channel<Received> _queue = Channel.CreateBounded<Received>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly string _listen = string.Join("; ", MessageChannels.All.Select(c => $"listen {c.Postgres}"));
    private int _overflowed;
    private bool _listening;

    /// <summary>Set when a rollup pass is owed; the pass starts from <see cref="_rollupsFrom"/> (null: everything).</summary>
    private readonly SemaphoreSlim _rollupsDue = new(0, 1);
    private readonly Lock _rollupsLock = new();
    private bool _rollupsOwed;
    private long? _rollupsFrom;

    /// <summary>Test seam, null in production: awaited before each batch is handled, inside the batch's failure
    /// handling. Nothing else can make a batch fail (every Redis failure is caught and counted) or hold the
    /// processor while the queue fills, and the relay tests (RelayQueueTests) need both.</summary>
    internal Func<CancellationToken, Task>? BeforeBatch { get; set; }

    /// <summary>Test seams, <see cref="ProbeInterval"/> and <see cref="ProbeTimeout"/> in production, read at each
    /// wait: the blackhole test (ListenBlackholeTests) shortens them so a dead path is found in seconds. The probe's
    /// command timeout is whole seconds, at least one (zero would mean no timeout).</summary>
    internal TimeSpan ListenProbeInterval { get; set; } = ProbeInterval;
    internal TimeSpan ListenProbeTimeout { get; set; } = ProbeTimeout;

    /// <summary>Messages waiting in the queue (never more than <see cref="QueueCapacity"/>; read by the tests).</summary>
    internal int Queued => _queue.Reader.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var processing = BackgroundLoop.RunAsync(ProcessorLoop, ProcessBatchAsync, health, time, logger, stoppingToken);
        var rollingUp = BackgroundLoop.RunAsync(RollupLoop, RollupPassAsync, health, time, logger, stoppingToken,
            ex => ex is NpgsqlException or TimeoutException);
        await BackgroundLoop.RunAsync(ListenerLoop, ListenAsync, health, time, logger, stoppingToken);
        await processing;
        await rollingUp;
    }

    /// <summary>Queues one message without ever blocking the connection's reader: when the queue is full the
    /// message is dropped, counted, and the next batch carries a resync instead.</summary>
    private void Enqueue(Received received)
    {
        if (!_queue.Writer.TryWrite(received))
        {
            metrics.NotificationDrops.Add(1);
            if (Interlocked.Exchange(ref _overflowed, 1) == 0)
            {
                logger.LogWarning("Notification queue full ({Capacity}); dropping notifications and resyncing on the next pass", QueueCapacity);
            }
        }
    }

    /// <summary>One connection's life: connect, LISTEN, queue a reconcile-everything, then wait for notifications,
    /// probing the connection after each quiet <see cref="ProbeInterval"/>. A blackholed connection fails the
    /// probe (NpgsqlException around a TimeoutException) and <see cref="BackgroundLoop"/> reconnects.</summary>
    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, e) => Enqueue(new Received(Read(e.Channel, e.Payload)));
        await using (var command = new NpgsqlCommand(_listen, connection))
        {
            await command.ExecuteNonQueryAsync(stoppingToken);
        }
        logger.LogInformation("Listening for chain notifications");
        // Both the first start (backfill) and a reconnect (missed notifications) reconcile everything.
        if (_listening)
        {
            metrics.NotificationErrors.Add(1);
        }
        Enqueue(new Received(_listening ? new Resync(ResyncReason.Reconnected) : null));
        _listening = true;
        health.Recovered(ListenerLoop);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await connection.WaitAsync(ListenProbeInterval, stoppingToken))
            {
                await using var probe = new NpgsqlCommand("select 1", connection)
                {
                    CommandTimeout = Math.Max(1, (int)Math.Ceiling(ListenProbeTimeout.TotalSeconds)),
                };
                await probe.ExecuteScalarAsync(stoppingToken);
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

    /// <summary>Waits for messages, then handles everything queued as one batch. A batch that fails is replaced
    /// by a resync, handled after the backoff.</summary>
    private async Task ProcessBatchAsync(CancellationToken stoppingToken)
    {
        if (!await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            return;
        }
        var batch = new List<Received>();
        while (batch.Count < QueueCapacity && _queue.Reader.TryRead(out var item))
        {
            batch.Add(item);
        }
        if (Interlocked.Exchange(ref _overflowed, 0) == 1)
        {
            batch.Add(new Received(new Resync(ResyncReason.Dropped)));
        }
        try
        {
            if (BeforeBatch is { } beforeBatch)
            {
                await beforeBatch(stoppingToken);
            }
            await HandleAsync(batch);
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            if (!_queue.Writer.TryWrite(new Received(new Resync(ResyncReason.Dropped))))
            {
                Volatile.Write(ref _overflowed, 1);
            }
            throw;
        }
    }

    private async Task HandleAsync(List<Received> batch)
    {
        if (ChangesBlocks(batch, out var fromBlock))
        {
            await cache.InvalidateAsync();
            RequestRollups(fromBlock);
        }
        var resynced = false;
        foreach (var message in batch.Select(r => r.Message).OfType<CiroMessage>())
        {
            if (message is Resync)
            {
                if (resynced)
                {
                    continue; // one resync per batch tells consumers everything
                }
                resynced = true;
                metrics.NotificationResyncs.Add(1);
            }
            await PublishAsync(message);
        }
    }

    /// <summary>Owes a rollup pass from <paramref name="fromBlock"/> (null: everything), merged with one already owed.</summary>
    private void RequestRollups(long? fromBlock)
    {
        lock (_rollupsLock)
        {
            _rollupsFrom = !_rollupsOwed ? fromBlock
                : fromBlock is null || _rollupsFrom is null ? null
                : Math.Min(fromBlock.Value, _rollupsFrom.Value);
            _rollupsOwed = true;
        }
        if (_rollupsDue.CurrentCount == 0)
        {
            try
            {
                _rollupsDue.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another request already woke the loop; it reads the merged range.
            }
        }
    }

    /// <summary>One rollup pass for everything owed, then the cache and the KPI views told. A failed pass is owed
    /// again (from the same block) and the loop retries it after its backoff, without waiting for a block.</summary>
    private async Task RollupPassAsync(CancellationToken stoppingToken)
    {
        await _rollupsDue.WaitAsync(stoppingToken);
        long? fromBlock;
        lock (_rollupsLock)
        {
            if (!_rollupsOwed)
            {
                return;
            }
            fromBlock = _rollupsFrom;
            _rollupsOwed = false;
        }
        RollupPass pass;
        try
        {
            await schema.WaitAsync(stoppingToken);
            pass = await rollups.ReconcileAsync(fromBlock, stoppingToken);
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            metrics.RollupErrors.Add(1);
            RequestRollups(fromBlock); // BackgroundLoop logs it and retries after the backoff
            throw;
        }
        if (pass.Changed is not { } changed)
        {
            return;
        }
        await cache.InvalidateAsync();
        foreach (var family in Enum.GetValues<KpiFamily>())
        {
            await PublishAsync(new KpiInvalidated(family, changed.From, changed.To));
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

    private async Task PublishAsync(CiroMessage message)
    {
        var channel = MessageChannels.Of(message);
        metrics.NotificationsRelayed.Add(1, new KeyValuePair<string, object?>("channel", channel.Postgres));
        try
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(channel.Redis), MessageSerializer.Serialize(message));
        }
        catch (RedisException ex)
        {
            metrics.NotificationErrors.Add(1);
            logger.LogWarning(ex, "Could not publish {Channel} notification to Redis", channel.Redis);
        }
    }
}
