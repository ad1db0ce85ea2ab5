using System.Threading.Channels;
using Ciro.Messages;
using Npgsql;

namespace Ciro.Alerts.Rules;

/// <summary>
/// Evaluates the rule files as soon as the indexer commits blocks: LISTENs to the <see cref="BlocksCommitted"/>
/// channel (the indexer notifies inside its commit, so the data is readable through analytics when the message
/// arrives) and runs <see cref="LiveRuleEvaluator"/>. Messages arriving during an evaluation, or less than
/// <see cref="MinGap"/> after it, coalesce into one more evaluation. The Quartz timer evaluates the same rules regardless, so a lost connection delays, never loses, an
/// evaluation; the connection is retried with backoff and every failure is logged and counted.
/// <para>The same connection LISTENs to the <see cref="Reorg"/> and <see cref="Resync"/> channels for the
/// <see cref="WindowCache"/>: a reorg (or reindex) replaces stored blocks, so every kept row is dropped and the next pass
/// reads whole windows. The cache keeps rows only while this connection listens: it is told when listening starts
/// (dropping what it kept, as a reorg may have gone unheard) and when the connection fails.</para>
/// </summary>
public sealed class BlocksCommittedTrigger(NpgsqlDataSource dataSource, LiveRuleEvaluator evaluator, RuleMetrics metrics, WindowCache windows,
    ILogger<BlocksCommittedTrigger> logger) : BackgroundService
{
    /// <summary>Two-second blocks would otherwise evaluate every rule every two seconds; each evaluation reads the
    /// windows' raw rows from analytics, so commits closer than this coalesce into the next evaluation.</summary>
    public static readonly TimeSpan MinGap = TimeSpan.FromSeconds(5);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var evaluating = EvaluateOnWakeAsync(stoppingToken);
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == MessageChannels.Blocks.Postgres)
                    {
                        _wake.Writer.TryWrite(true);
                    }
                    else
                    {
                        Dropped(e.Channel, e.Payload);
                    }
                };
                await using (var listen = new NpgsqlCommand(
                    $"LISTEN {MessageChannels.Blocks.Postgres}; LISTEN {MessageChannels.Reorgs.Postgres}; LISTEN {MessageChannels.Resyncs.Postgres}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                windows.ListeningStarted();
                delay = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken))
                    {
                        // A quiet connection may be a dead one: a probe fails fast and we reconnect.
                        await using var probe = new NpgsqlCommand("select 1", connection) { CommandTimeout = 10 };
                        await probe.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                windows.ListeningStopped($"the LISTEN connection failed: {ex.GetType().Name}");
                metrics.TriggerFailures.Add(1);
                logger.LogWarning(ex, "Listening for committed blocks failed; rules still run on the timer; retrying in {Delay}", delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
        await evaluating;
    }

    /// <summary>A reorg or resync: the kept rows may be replaced ones. Even an unreadable message clears them.</summary>
    private void Dropped(string channel, string payload)
    {
        if (channel == MessageChannels.Reorgs.Postgres)
        {
            string detail;
            try
            {
                var reorg = MessageSerializer.Deserialize<Reorg>(payload);
                detail = $"{reorg.Reason} from block {reorg.FromBlock}, depth {reorg.Depth}";
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Unreadable reorg message; dropping the window cache anyway");
                detail = "unreadable message";
            }
            windows.Clear("reorg", detail);
        }
        else if (channel == MessageChannels.Resyncs.Postgres)
        {
            windows.Clear("resync", payload);
        }
    }

    private async Task EvaluateOnWakeAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var _ in _wake.Reader.ReadAllAsync(ct))
            {
                await evaluator.EvaluateAllAsync(ct);
                await Task.Delay(MinGap, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
