using Ciro.Indexer.Contracts;
using Ciro.Indexer.Storage;
using Microsoft.Extensions.Options;

namespace Ciro.Indexer.Following;

/// <summary>
/// Backfills from the cursor, then follows the head. Holds the writer lease while writing. Any failure
/// (RPC, database, lost lease) is logged and counted; the loop backs off and resumes from the committed
/// cursor, so nothing is skipped and nothing is written twice. What retrying cannot fix (another chain in the
/// database, a reorg deeper than the limit) halts it instead: see <see cref="IndexerHaltedException"/>.
/// While it is failing and backing off, the "background-loops" health check (ServiceDefaults'
/// <see cref="BackgroundLoopHealth"/>) reports it down with the error; the next successful step clears that.
/// </summary>
public sealed class ChainFollower(
    IServiceProvider services,
    WriterLease lease,
    ReindexRequests reindexRequests,
    IndexerMetrics metrics,
    IndexerReadiness readiness,
    BackgroundLoopHealth loops,
    HeadSignal headSignal,
    ChainStore store,
    IOptions<IndexerOptions> options,
    ILogger<ChainFollower> logger) : BackgroundService
{
    public const string LoopName = "chain-follower";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.WaitForSchemaAsync(stoppingToken);
        var synchronizer = services.GetRequiredService<ChainSynchronizer>();
        var backoff = options.Value.RetryBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await lease.AcquireAsync(options.Value.LeaseRetryInterval, stoppingToken);
                metrics.SetLeader(true);
                // A reindex asked for while halted goes first: it is what makes another chain's database usable.
                await ApplyReindexRequestsAsync(synchronizer, stoppingToken);
                await synchronizer.VerifyChainAsync(stoppingToken);
                await FollowAsync(synchronizer, () => backoff = options.Value.RetryBackoff, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (IndexerHaltedException halt)
            {
                loops.Recovered(LoopName); // not failing: stopped on purpose, reported by the "indexer" check
                await HaltAsync(halt.Message, stoppingToken);
            }
            catch (Exception ex)
            {
                metrics.SetLeader(false);
                metrics.Failures.Add(1, new KeyValuePair<string, object?>("kind", ex.GetType().Name));
                loops.Failing(LoopName, ex);
                logger.LogError(ex, "Indexing failed; resuming from the committed cursor in {Backoff}", backoff);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, options.Value.MaxRetryBackoff.TotalMilliseconds));
                continue;
            }
        }
        metrics.SetLeader(false);
    }

    /// <summary>Stops writing until an operator reindexes; the reason is logged and recorded once (not once per
    /// look), and reported by the health check. The condition is looked at again quietly every
    /// Indexer:HaltedRecheckInterval: a node that comes back to the stored chain resumes by itself.</summary>
    private async Task HaltAsync(string reason, CancellationToken ct)
    {
        if (readiness.Halt(reason))
        {
            metrics.Halts.Add(1);
            logger.LogError("Indexer halted: {Reason}", reason);
            try
            {
                await store.SetStatusAsync(options.Value.CursorName, IndexerState.Halted, reason, ct);
            }
            catch (Npgsql.NpgsqlException ex)
            {
                logger.LogWarning(ex, "Could not record the halt in ciro.indexer_status; the health check still reports it");
            }
        }
        using var recheck = CancellationTokenSource.CreateLinkedTokenSource(ct);
        recheck.CancelAfter(options.Value.HaltedRecheckInterval);
        try
        {
            await reindexRequests.WaitAsync(recheck.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }

    private async Task ApplyReindexRequestsAsync(ChainSynchronizer synchronizer, CancellationToken ct)
    {
        while (reindexRequests.TryTake(out var fromBlock))
        {
            await synchronizer.ReindexFromAsync(fromBlock, ct);
        }
    }

    /// <param name="succeeded">Called after each successful step: the backoff restarts small once the
    /// node or database is healthy again, instead of staying at its maximum for the rest of the run.</param>
    private async Task FollowAsync(ChainSynchronizer synchronizer, Action succeeded, CancellationToken ct)
    {
        var lastProgressLog = DateTimeOffset.MinValue;
        while (!ct.IsCancellationRequested)
        {
            if (!await lease.StillHeldAsync(ct))
            {
                throw new InvalidOperationException("Writer lease lost");
            }
            await ApplyReindexRequestsAsync(synchronizer, ct);
            var target = await synchronizer.GetTargetAsync(ct);
            var (cursor, progressed) = await synchronizer.StepAsync(target, ct);
            if (readiness.Halted is not null || !_statusRecorded)
            {
                await store.SetStatusAsync(options.Value.CursorName, IndexerState.Indexing, null, ct);
                _statusRecorded = true;
                if (readiness.Halted is { } halt)
                {
                    logger.LogWarning("Indexer resumed after being halted since {Since}", halt.Since);
                }
            }
            readiness.MarkIndexing();
            loops.Recovered(LoopName);
            succeeded();
            if (progressed && cursor is { } position && DateTimeOffset.UtcNow - lastProgressLog > TimeSpan.FromSeconds(10))
            {
                lastProgressLog = DateTimeOffset.UtcNow;
                logger.LogInformation("Indexed through block {Block} of {Target} ({Remaining} behind)", position, target, target - position);
            }
            if (!progressed)
            {
                await headSignal.WaitAsync(WaitInterval(target), ct);
            }
        }
    }

    /// <summary>Caught up: with a live newHeads subscription the timer is only a safety net (a notification
    /// wakes the loop); without one, or when the node announced a head its starknet_blockNumber did not show yet
    /// (e.g. another node behind a balancer), poll at the normal interval.</summary>
    private TimeSpan WaitInterval(ulong target)
    {
        var o = options.Value;
        var head = (long)target + o.ConfirmationDepth;
        return headSignal.Subscribed && headSignal.AnnouncedHead <= head ? SubscribedPollInterval(o) : o.PollInterval;
    }

    private bool _statusRecorded;

    public static TimeSpan SubscribedPollInterval(IndexerOptions o) =>
        o.PollIntervalWhileSubscribed > o.PollInterval ? o.PollIntervalWhileSubscribed : o.PollInterval;
}
