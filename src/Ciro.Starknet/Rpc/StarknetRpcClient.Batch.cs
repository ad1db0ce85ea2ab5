using Ciro.Starknet.Rpc.Json;
using Microsoft.Extensions.Logging;

namespace Ciro.Starknet.Rpc;

/// <summary>Batched block fetches: backfill throughput is bounded by round trips, so N blocks go in one request.</summary>
public sealed partial class StarknetRpcClient
{
    private const string BlockWithReceiptsMethod = "starknet_getBlockWithReceipts";

    /// <summary>Blocks by number, in the order asked, fetched as JSON-RPC batches of at most
    /// <see cref="StarknetRpcClientOptions.MaxBatchSize"/>. Falls back to one call per block when the node
    /// rejects batches. Any block's RPC error (e.g. 24 BLOCK_NOT_FOUND) fails the whole call.</summary>
    public async Task<IReadOnlyList<BlockWithReceipts>> GetBlocksWithReceiptsAsync(
        IReadOnlyList<ulong> numbers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var blocks = new List<BlockWithReceipts>(numbers.Count);
        for (var start = 0; start < numbers.Count; start += Math.Max(1, _options.MaxBatchSize))
        {
            var count = Math.Min(Math.Max(1, _options.MaxBatchSize), numbers.Count - start);
            var chunk = new ulong[count];
            for (var i = 0; i < count; i++)
            {
                chunk[i] = numbers[start + i];
            }
            blocks.AddRange(await GetChunkAsync(chunk, cancellationToken).ConfigureAwait(false));
        }
        return blocks;
    }

    private async Task<IReadOnlyList<BlockWithReceipts>> GetChunkAsync(ulong[] numbers, CancellationToken cancellationToken)
    {
        if (!_batchUnsupported && numbers.Length > 1)
        {
            var batched = await TryBatchAsync(numbers, cancellationToken).ConfigureAwait(false);
            if (batched is not null)
            {
                return batched;
            }
            _batchUnsupported = true;
            _logger.LogWarning("Starknet node at {Endpoint} rejected a JSON-RPC batch; fetching blocks one by one", Endpoint);
        }
        var blocks = new BlockWithReceipts[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            blocks[i] = await GetBlockWithReceiptsAsync(BlockId.Number(numbers[i]), cancellationToken).ConfigureAwait(false);
        }
        return blocks;
    }

    /// <summary>Null when the node does not do batches (single object, 4xx, or "invalid request" per element).</summary>
    private async Task<BlockWithReceipts[]?> TryBatchAsync(ulong[] numbers, CancellationToken cancellationToken)
    {
        var calls = new (long Id, Action<System.Text.Json.Utf8JsonWriter>? Params)[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            var number = numbers[i];
            calls[i] = (Interlocked.Increment(ref _nextId), w => RequestWriter.BlockIdParam(w, BlockId.Number(number)));
        }
        var body = RequestWriter.Batch(calls, BlockWithReceiptsMethod);
        return await ExecuteAsync(BlockWithReceiptsMethod, body, numbers.Length, response =>
        {
            if (response.StatusCode is < 200 or >= 300)
            {
                return null;
            }
            var outcomes = JsonRpcEnvelope.ParseBatch(response.Span, StarknetJsonContext.Default.BlockWithReceipts, BlockWithReceiptsMethod);
            if (outcomes is null || IsBatchRejection(outcomes.Values))
            {
                return null;
            }
            var blocks = new BlockWithReceipts[numbers.Length];
            for (var i = 0; i < calls.Length; i++)
            {
                if (!outcomes.TryGetValue(calls[i].Id, out var outcome))
                {
                    throw new StarknetProtocolException(BlockWithReceiptsMethod,
                        $"batch answer has no element for block {numbers[i]} (id {calls[i].Id})");
                }
                blocks[i] = outcome.GetOrThrow(BlockWithReceiptsMethod);
            }
            return blocks;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsBatchRejection(IEnumerable<JsonRpcEnvelope.Outcome<BlockWithReceipts>> outcomes) =>
        outcomes.All(o => o.Error is { ErrorCode: StarknetErrorCode.InvalidRequest or StarknetErrorCode.MethodNotFound or StarknetErrorCode.ParseError });
}
