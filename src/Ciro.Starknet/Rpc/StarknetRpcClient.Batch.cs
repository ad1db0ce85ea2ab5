using System.Text.Json.Serialization.Metadata;
using Ciro.Starknet.Rpc.Json;
using Microsoft.Extensions.Logging;

namespace Ciro.Starknet.Rpc;

/// <summary>Batched block fetches: backfill throughput is bounded by round trips, so N blocks go in one request.</summary>
public sealed partial class StarknetRpcClient
{
    private const string BlockWithReceiptsMethod = "starknet_getBlockWithReceipts";
    private const string TraceBlockTransactionsMethod = "starknet_traceBlockTransactions";

    /// <summary>Blocks by number, in the order asked, fetched as JSON-RPC batches of at most
    /// <see cref="StarknetRpcClientOptions.MaxBatchSize"/>. Falls back to one call per block when the node
    /// rejects batches. Any block's RPC error (e.g. 24 BLOCK_NOT_FOUND) fails the whole call.</summary>
    public Task<IReadOnlyList<BlockWithReceipts>> GetBlocksWithReceiptsAsync(
        IReadOnlyList<ulong> numbers, CancellationToken cancellationToken = default) =>
        ByBlockAsync(numbers, BlockWithReceiptsMethod, StarknetJsonContext.Default.BlockWithReceipts,
            (id, ct) => GetBlockWithReceiptsAsync(id, ct), cancellationToken);

    /// <summary>starknet_traceBlockTransactions for each block, in the order asked, batched like
    /// <see cref="GetBlocksWithReceiptsAsync"/>. Ask a node that may not serve the trace API one block first
    /// (<see cref="TraceBlockTransactionsAsync"/>): a batch whose every element is "method not found" reads as a
    /// node without batches.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<BlockTransactionTrace>>> TraceBlocksAsync(
        IReadOnlyList<ulong> numbers, CancellationToken cancellationToken = default) =>
        await ByBlockAsync(numbers, TraceBlockTransactionsMethod, StarknetJsonContext.Default.ListBlockTransactionTrace,
            (id, ct) => CallAsync(TraceBlockTransactionsMethod, w => RequestWriter.BlockIdParam(w, id),
                StarknetJsonContext.Default.ListBlockTransactionTrace, ct), cancellationToken).ConfigureAwait(false);

    /// <summary>State updates by block number, in the order asked, batched like the blocks (the indexer reads the
    /// class changes of a batch with one more request).</summary>
    public Task<IReadOnlyList<StateUpdate>> GetStateUpdatesAsync(IReadOnlyList<ulong> numbers, CancellationToken cancellationToken = default) =>
        ByBlockAsync(numbers, "starknet_getStateUpdate", StarknetJsonContext.Default.StateUpdate,
            (id, ct) => GetStateUpdateAsync(id, ct), cancellationToken);

    private async Task<IReadOnlyList<T>> ByBlockAsync<T>(IReadOnlyList<ulong> numbers, string method, JsonTypeInfo<T> typeInfo,
        Func<BlockId, CancellationToken, Task<T>> single, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var results = new List<T>(numbers.Count);
        for (var start = 0; start < numbers.Count; start += Math.Max(1, _options.MaxBatchSize))
        {
            var count = Math.Min(Math.Max(1, _options.MaxBatchSize), numbers.Count - start);
            var chunk = new ulong[count];
            for (var i = 0; i < count; i++)
            {
                chunk[i] = numbers[start + i];
            }
            results.AddRange(await GetChunkAsync(chunk, method, typeInfo, single, cancellationToken).ConfigureAwait(false));
        }
        return results;
    }

    private async Task<IReadOnlyList<T>> GetChunkAsync<T>(ulong[] numbers, string method, JsonTypeInfo<T> typeInfo,
        Func<BlockId, CancellationToken, Task<T>> single, CancellationToken cancellationToken)
    {
        if (!_batchUnsupported && numbers.Length > 1)
        {
            var batched = await TryBatchAsync(numbers, method, typeInfo, cancellationToken).ConfigureAwait(false);
            if (batched is not null)
            {
                return batched;
            }
            _batchUnsupported = true;
            _logger.LogWarning("Starknet node at {Endpoint} rejected a JSON-RPC batch; fetching blocks one by one", Endpoint);
        }
        var results = new T[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            results[i] = await single(BlockId.Number(numbers[i]), cancellationToken).ConfigureAwait(false);
        }
        return results;
    }

    /// <summary>Null when the node does not do batches (single object, 4xx, or "invalid request" per element).</summary>
    private async Task<T[]?> TryBatchAsync<T>(ulong[] numbers, string method, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var calls = new (long Id, Action<System.Text.Json.Utf8JsonWriter>? Params)[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            var number = numbers[i];
            calls[i] = (Interlocked.Increment(ref _nextId), w => RequestWriter.BlockIdParam(w, BlockId.Number(number)));
        }
        var body = RequestWriter.Batch(calls, method);
        return await ExecuteAsync(method, body, numbers.Length, response =>
        {
            if (response.StatusCode is < 200 or >= 300)
            {
                return null;
            }
            var outcomes = JsonRpcEnvelope.ParseBatch(response.Span, typeInfo, method);
            if (outcomes is null || IsBatchRejection(outcomes.Values))
            {
                return null;
            }
            var results = new T[numbers.Length];
            for (var i = 0; i < calls.Length; i++)
            {
                if (!outcomes.TryGetValue(calls[i].Id, out var outcome))
                {
                    throw new StarknetProtocolException(method,
                        $"batch answer has no element for block {numbers[i]} (id {calls[i].Id})");
                }
                results[i] = outcome.GetOrThrow(method);
            }
            return results;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsBatchRejection<T>(IEnumerable<JsonRpcEnvelope.Outcome<T>> outcomes) =>
        outcomes.All(o => o.Error is { ErrorCode: StarknetErrorCode.InvalidRequest or StarknetErrorCode.MethodNotFound or StarknetErrorCode.ParseError });
}
