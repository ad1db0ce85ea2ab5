using System.Diagnostics;
using Ciro.Indexer.Contracts;
using Ciro.Indexer.Storage;
using Ciro.Starknet;
using Ciro.Starknet.Rpc;
using Microsoft.Extensions.Options;

namespace Ciro.Indexer.Following;

/// <summary>
/// One step of indexing: fetch the next batch after the cursor, check it links to what is stored, and commit
/// it. A parent-hash mismatch means the chain reorganised: walk back to the common ancestor, roll back to it
/// (atomically, with a downstream notification), and continue from there on the next step.
/// </summary>
public sealed class ChainSynchronizer(
    StarknetRpcClient rpc,
    ChainStore store,
    BlockBatchWriter writer,
    IndexerRowFilter filter,
    ClassTracker classes,
    ChainIdentityGuard identityGuard,
    UndecodableBlocks undecodable,
    IndexerMetrics metrics,
    IOptions<IndexerOptions> options,
    ILogger<ChainSynchronizer> logger)
{
    private IndexerOptions Options => options.Value;

    /// <summary>Indexes at most one batch up to <paramref name="target"/>; returns the new cursor position
    /// (null when nothing is stored yet) and whether anything changed. While this batch is committed, the next
    /// one is already being fetched and decoded (at most one batch ahead, so memory stays bounded).</summary>
    public async Task<(ulong? Cursor, bool Progressed)> StepAsync(ulong target, CancellationToken ct)
    {
        if (_chainId is null)
        {
            await VerifyChainAsync(ct);
        }
        var cursor = await store.GetCursorAsync(Options.CursorName, ct);
        var next = cursor is null ? Options.StartBlock : cursor.Number + 1;
        if (next > target)
        {
            DropAhead();
            return (cursor?.Number, false);
        }
        var last = Math.Min(target, next + (ulong)_batchLimit - 1);

        var started = Stopwatch.GetTimestamp();
        var (fetchTo, fetch) = TakeAhead(next, last) is { } ahead ? (ahead.To, ahead.Task) : (last, FetchAsync(next, last, ct));
        BatchRows rows;
        try
        {
            var waitStarted = Stopwatch.GetTimestamp();
            rows = await fetch;
            Interlocked.Add(ref _fetchWaitTicks, Stopwatch.GetTimestamp() - waitStarted);
            _batchLimit = Math.Min(Options.BatchSize, _batchLimit * 2);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One bad block answer fails the whole batch; smaller batches get through a flaky node. When the
            // failure names its block, the next batch ends just before it, and then that block is asked for alone.
            _batchLimit = ex is BlockDecodeException named && named.From == named.To && named.From >= next
                ? (int)Math.Max(1, Math.Min((ulong)_batchLimit, named.From - next))
                : Math.Max(1, _batchLimit / 2);
            if (fetchTo == next && IsDecodeFailure(ex)
                && await undecodable.TrySkipAsync(Options.CursorName, cursor, next, cursor is null ? _chainId : null, ex, ct) is { } skipped)
            {
                DropAhead();
                return (skipped.Number, true);
            }
            throw;
        }
        var blocks = rows.Blocks;
        if (cursor is not null && blocks[0].ParentHash != cursor.Hash)
        {
            DropAhead();
            await RollBackReorgAsync(cursor, blocks[0], ct);
            return (cursor.Number, true);
        }
        var linked = LinkedPrefix(blocks);
        if (linked == 0)
        {
            DropAhead();
            return (cursor?.Number, false); // only a pre_confirmed block: nothing final to store yet
        }
        if (linked < blocks.Count)
        {
            // The node reorganised while we fetched: keep the consistent prefix, refetch the rest next step.
            logger.LogWarning("Batch {From}..{To} broke at block {Block} (parent hash mismatch inside the batch); committing {Count} blocks",
                next, rows.To, blocks[linked].BlockNumber, linked);
            metrics.BrokenBatches.Add(1);
            DropAhead();
            var traces = rows.Traces?.Take(linked).ToList();
            var classChanges = rows.ClassChanges;
            var newClasses = rows.Classes;
            rows.Dispose();
            rows = BatchRows.Prepare(blocks.Take(linked).ToList(), filter, traces);
            var lastKept = blocks[linked - 1].BlockNumber;
            rows.ClassChanges = classChanges.Where(c => c.BlockNumber <= lastKept).ToList();
            rows.Classes = newClasses.Where(c => c.FirstBlock <= lastKept).ToList();
        }
        else if (rows.To < target)
        {
            var aheadTo = Math.Min(target, rows.To + (ulong)_batchLimit);
            _ahead = (rows.To + 1, aheadTo, FetchAsync(rows.To + 1, aheadTo, ct));
        }

        BatchStats stats;
        try
        {
            var identity = cursor is null ? new ChainIdentity(_chainId!.Value, rows.Blocks[0].BlockNumber, rows.Blocks[0].BlockHash!.Value) : null;
            stats = await writer.WriteAsync(Options.CursorName, rows, identity, ct);
        }
        catch
        {
            DropAhead();
            throw;
        }
        finally
        {
            rows.Dispose();
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Blocks.Add(stats.Blocks);
        metrics.Transactions.Add(stats.Transactions);
        metrics.Events.Add(stats.Events);
        metrics.BatchDuration.Record(elapsed.TotalMilliseconds);
        var newest = rows.Blocks[^1];
        var lagSeconds = Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (long)newest.Timestamp);
        metrics.SetHeadLag((long)(target - newest.BlockNumber), lagSeconds);
        if (newest.BlockNumber == target)
        {
            metrics.CommitLatency.Record(lagSeconds * 1000.0);
        }
        logger.LogDebug("Committed blocks {From}..{To}: {Transactions} transactions, {Events} events in {Elapsed} ms",
            rows.From, newest.BlockNumber, stats.Transactions, stats.Events, (long)elapsed.TotalMilliseconds);
        return (newest.BlockNumber, true);
    }

    private Felt? _chainId;

    /// <summary>Checks that the node is on the chain the database holds (before every follow session; the first
    /// step does it when nobody did).</summary>
    /// <exception cref="IndexerHaltedException">The database holds another chain.</exception>
    public async Task VerifyChainAsync(CancellationToken ct)
    {
        _chainId = null;
        _chainId = await identityGuard.VerifyAsync(ct);
    }

    private (ulong From, ulong To, Task<BatchRows> Task)? _ahead;
    private int _batchLimit = options.Value.BatchSize;

    /// <summary>What fails when a block's answer does not fit what the indexer reads (rather than the node or the
    /// database failing): the parse, the shape check, a decoder.</summary>
    private static bool IsDecodeFailure(Exception ex) =>
        ex is BlockDecodeException or System.Text.Json.JsonException or FormatException or OverflowException or ArgumentException
            or NullReferenceException or IndexOutOfRangeException or InvalidCastException;

    private (ulong From, ulong To, Task<BatchRows> Task)? TakeAhead(ulong from, ulong to)
    {
        if (_ahead is { } ahead && ahead.From == from && ahead.To <= to)
        {
            _ahead = null;
            return ahead;
        }
        DropAhead();
        return null;
    }

    /// <summary>Forget a prefetched batch (after a reorg, a failure or a cursor move); its failure, if any, is
    /// observed here so it is not reported as unobserved.</summary>
    private void DropAhead()
    {
        if (_ahead is { } ahead)
        {
            _ahead = null;
            _ = ahead.Task.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
        }
    }

    private async Task<BatchRows> FetchAsync(ulong from, ulong to, CancellationToken ct)
    {
        var numbers = new ulong[to - from + 1];
        for (var i = 0; i < numbers.Length; i++)
        {
            numbers[i] = from + (ulong)i;
        }
        var rpcStarted = Stopwatch.GetTimestamp();
        IReadOnlyList<BlockWithReceipts> blocks;
        try
        {
            blocks = await rpc.GetBlocksWithReceiptsAsync(numbers, ct);
        }
        catch (StarknetProtocolException ex)
        {
            // An answer that does not parse: say which blocks were asked for (the message names the field).
            throw new BlockDecodeException(from, to, ex.Message, ex);
        }
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].BlockNumber != numbers[i] && !blocks[i].IsPreConfirmed)
            {
                // A node answering with the wrong block would otherwise become a silent gap or duplicate.
                throw new InvalidOperationException($"asked the node for block {numbers[i]}, got block {blocks[i].BlockNumber}");
            }
        }
        if (blocks.Count != numbers.Length)
        {
            throw new InvalidOperationException($"asked the node for blocks {from}..{to}, got {blocks.Count} blocks");
        }
        var traces = await FetchTracesAsync(numbers, ct);
        Interlocked.Add(ref _rpcTicks, Stopwatch.GetTimestamp() - rpcStarted);
        // Decoding and encoding are CPU work: off the caller's path so they overlap the previous batch's COPY.
        var prepared = await Task.Run(() =>
        {
            var prepareStarted = Stopwatch.GetTimestamp();
            var rows = BatchRows.Prepare(blocks, filter, traces);
            Interlocked.Add(ref _prepareTicks, Stopwatch.GetTimestamp() - prepareStarted);
            return rows;
        }, ct);
        if (classes.Enabled)
        {
            try
            {
                await classes.AttachAsync(prepared, ct);
            }
            catch
            {
                prepared.Dispose();
                throw;
            }
        }
        return prepared;
    }

    private const int TracesUnknown = 0, TracesServed = 1, TracesNotServed = 2;
    private int _traceSupport = TracesUnknown;

    /// <summary>The batch's traces, or null (stored without call traces) when Indexer:CallTraces is off, the node
    /// does not serve the trace API (asked once with one block: a batch of "method not found" would read as a node
    /// without batches), or it has no trace for these blocks (error 10, e.g. a pruned node).</summary>
    private async Task<IReadOnlyList<IReadOnlyList<BlockTransactionTrace>>?> FetchTracesAsync(ulong[] numbers, CancellationToken ct)
    {
        // The traces are a second request per batch: a failed one is asked again here (up to three times) before the
        // whole batch fails, so a flaky node does not cost twice as many failed batches as without traces.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryFetchTracesAsync(numbers, ct);
            }
            catch (StarknetClientException ex) when (attempt < TraceAttempts && !ct.IsCancellationRequested)
            {
                metrics.TraceRetries.Add(1);
                logger.LogWarning("Traces of blocks {From}..{To} failed (attempt {Attempt} of {Attempts}), asking again: {Error}",
                    numbers[0], numbers[^1], attempt, TraceAttempts, ex.Message);
            }
        }
    }

    private const int TraceAttempts = 3;

    private async Task<IReadOnlyList<IReadOnlyList<BlockTransactionTrace>>?> TryFetchTracesAsync(ulong[] numbers, CancellationToken ct)
    {
        if (!Options.CallTraces || Volatile.Read(ref _traceSupport) == TracesNotServed)
        {
            return null;
        }
        try
        {
            if (Volatile.Read(ref _traceSupport) == TracesUnknown)
            {
                var first = await rpc.TraceBlockTransactionsAsync(BlockId.Number(numbers[0]), ct);
                Volatile.Write(ref _traceSupport, TracesServed);
                logger.LogInformation("The node serves the trace API: per-call traces are stored (ciro.call_traces, ciro.tx_state_diffs)");
                var rest = numbers.Length > 1 ? await rpc.TraceBlocksAsync(numbers[1..], ct) : [];
                return [first, .. rest];
            }
            return await rpc.TraceBlocksAsync(numbers, ct);
        }
        catch (StarknetRpcException ex) when (ex.ErrorCode == StarknetErrorCode.MethodNotFound)
        {
            Volatile.Write(ref _traceSupport, TracesNotServed);
            metrics.BlocksWithoutTraces.Add(numbers.Length);
            logger.LogWarning("The node does not serve starknet_traceBlockTransactions ({Error}): call traces are not stored, per-call cost stays the per-transaction attribution of ciro.tx_calls", ex.Message);
            return null;
        }
        catch (StarknetRpcException ex) when (ex.ErrorCode == StarknetErrorCode.NoTraceAvailable)
        {
            metrics.BlocksWithoutTraces.Add(numbers.Length);
            logger.LogWarning("No trace for blocks {From}..{To} ({Error}): stored without call traces", numbers[0], numbers[^1], ex.Message);
            return null;
        }
    }

    private long _rpcTicks;
    private long _prepareTicks;
    private long _fetchWaitTicks;

    /// <summary>Where a run's time went, for the backfill's last lines and the benchmark: fetching (RPC round
    /// trip and JSON parse) and preparing (filter, decode, encode) run one batch ahead of writing, so they
    /// overlap it; "waited" is the time the writer had nothing to write.</summary>
    public string TimeBreakdown => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"rpc+parse {Seconds(_rpcTicks):F1} s, decode+encode {Seconds(_prepareTicks):F1} s, writer waited for a batch {Seconds(_fetchWaitTicks):F1} s, COPY {writer.CopyTime.TotalSeconds:F1} s, cursor+notify+commit {writer.CommitTime.TotalSeconds:F1} s");

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    /// <summary>How many leading blocks are non-pending and each the parent of the next.</summary>
    private static int LinkedPrefix(IReadOnlyList<BlockWithReceipts> blocks)
    {
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].BlockHash is null || blocks[i].ParentHash is null)
            {
                return i; // pre_confirmed: not final yet
            }
            if (i > 0 && blocks[i].ParentHash != blocks[i - 1].BlockHash)
            {
                return i;
            }
        }
        return blocks.Count;
    }

    private async Task RollBackReorgAsync(BlockCursor cursor, BlockWithReceipts newBlock, CancellationToken ct)
    {
        var floor = cursor.Number >= (ulong)Options.MaxReorgDepth ? cursor.Number - (ulong)Options.MaxReorgDepth : 0;
        ulong? ancestor = null;
        for (var n = cursor.Number; ; n--)
        {
            var stored = await store.GetStoredHashAsync(n, ct);
            if (stored is null)
            {
                break; // below what we store: everything stored above was on the abandoned branch
            }
            var canonical = await rpc.GetBlockWithTxHashesAsync(BlockId.Number(n), ct);
            if (canonical.BlockHash == stored)
            {
                ancestor = n;
                break;
            }
            if (n == floor || n == 0)
            {
                // Deleting this much history is an operator's decision: the node may be wrong, or on another chain.
                throw new IndexerHaltedException(
                    $"Reorg deeper than Indexer:MaxReorgDepth = {Options.MaxReorgDepth}: the node's blocks {n}..{cursor.Number} all differ from the stored ones. " +
                    $"Nothing was deleted. If the node is right, reindex from block {n} or lower (the indexer's \"Reindex from block…\" command in the " +
                    $"Aspire dashboard, POST /admin/reindex {{\"fromBlock\": {n}}}); if it is on another chain, give it a new database.");
            }
        }
        var depth = (int)(ancestor is null ? cursor.Number - Options.StartBlock + 1 : cursor.Number - ancestor.Value);
        await store.RollbackAsync(Options.CursorName, ancestor,
            new ReorgRecord(ancestor ?? 0, depth, cursor.Hash, newBlock.ParentHash), ct);
        metrics.Reorgs.Add(1);
        metrics.ReorgDepth.Record(depth);
        logger.LogWarning("Reorg: block {Block} has parent {NewParent}, stored {StoredHash}; rolled back {Depth} blocks to common ancestor {Ancestor}",
            newBlock.BlockNumber, newBlock.ParentHash, cursor.Hash, depth, ancestor);
    }

    public async Task ReindexFromAsync(ulong fromBlock, CancellationToken ct)
    {
        ulong? keep = fromBlock == 0 || fromBlock <= Options.StartBlock ? null : fromBlock - 1;
        await store.RollbackAsync(Options.CursorName, keep, null, ct);
        logger.LogWarning("Reindex requested: deleted everything from block {Block} on", fromBlock);
    }

    /// <summary>The newest block to index: the node's head minus the confirmation depth.</summary>
    public async Task<ulong> GetTargetAsync(CancellationToken ct)
    {
        var head = await rpc.GetBlockNumberAsync(ct);
        return head >= (ulong)Options.ConfirmationDepth ? head - (ulong)Options.ConfirmationDepth : 0;
    }
}
