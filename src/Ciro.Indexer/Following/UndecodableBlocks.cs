using System.Text;
using System.Text.Json;
using Ciro.Indexer.Storage;
using Ciro.Starknet;
using Ciro.Starknet.Rpc;
using Ciro.Starknet.Rpc.Json;

namespace Ciro.Indexer.Following;

/// <summary>
/// A single block that failed to decode is asked for once more, raw. If the node's answer is well-formed JSON-RPC
/// and still does not decode, the failure is the block's own (the same bytes fail the same way on every retry), so
/// it is stored raw with the reason and skipped instead of stalling the indexer for good. Anything else is not
/// skipped: a transport fault (a truncated or HTML answer, a dropped connection) fails the raw read too, and an
/// answer that decodes this time was a transient fault; both are retried as before.
/// </summary>
public sealed class UndecodableBlocks(
    StarknetRpcClient rpc, IndexerRowFilter filter, UndecodableBlockStore store, IndexerMetrics metrics, ILogger<UndecodableBlocks> logger)
{
    /// <returns>The skipped block's number and hash, or null when it is not skipped (the caller rethrows).</returns>
    /// <param name="anchorChainId">The node's chain id when the database is empty (the skipped block becomes the anchor).</param>
    public async Task<BlockCursor?> TrySkipAsync(string cursorName, BlockCursor? cursor, ulong number, Felt? anchorChainId, Exception failure, CancellationToken ct)
    {
        var raw = await rpc.GetBlockWithReceiptsRawAsync(BlockId.Number(number), ct);
        if (Decode(raw) is not { } reason)
        {
            logger.LogWarning("Block {Block} failed to decode ({Failure}) but decodes when asked again: retrying, not skipping", number, failure.Message);
            return null;
        }
        if (failure is BlockDecodeException decode && decode.From == number && decode.To == number)
        {
            reason = decode.Message; // names the block and the field, as the operator saw it in the failure log
        }
        if (ReadHeader(raw, number) is not { } header)
        {
            logger.LogError("Block {Block} does not decode ({Reason}) and has no readable block_number/block_hash/parent_hash to link past it: not skipped",
                number, reason);
            return null;
        }
        if (cursor is not null && header.ParentHash != cursor.Hash)
        {
            return null; // the chain moved under us: the next step sees the reorg
        }
        var answer = new UndecodableAnswer(number, header.Hash, header.ParentHash, header.Time, reason, Encoding.UTF8.GetBytes(raw.GetRawText()));
        var identity = cursor is null && anchorChainId is { } chainId ? new ChainIdentity(chainId, number, header.Hash) : null;
        await store.SkipAsync(cursorName, answer, identity, ct);
        metrics.UndecodableBlocks.Add(1);
        logger.LogError("Block {Block} ({Hash}) cannot be decoded and was skipped: {Reason}. The node's answer ({Bytes} bytes) is kept in " +
            "ciro.undecodable_blocks (GET /admin/undecodable-blocks); POST /admin/reindex {{\"fromBlock\": {Block}}} tries it again.",
            number, header.Hash, reason, answer.Raw.Length, number);
        return new BlockCursor(number, header.Hash);
    }

    /// <summary>Null when the answer decodes into rows; otherwise why not (the same steps as a batch: typed parse,
    /// shape check, filter, decode, encode).</summary>
    private string? Decode(JsonElement raw)
    {
        try
        {
            var block = raw.Deserialize(StarknetJsonContext.Default.BlockWithReceipts) ?? throw new JsonException("the result is null");
            using var rows = BatchRows.Prepare([block], filter);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    private sealed record Header(Felt Hash, Felt ParentHash, DateTimeOffset Time);

    /// <summary>The header fields that link the chain, read leniently from the raw answer.</summary>
    private static Header? ReadHeader(JsonElement raw, ulong number)
    {
        if (raw.ValueKind != JsonValueKind.Object
            || !raw.TryGetProperty("block_number"u8, out var n) || !n.TryGetUInt64(out var answered) || answered != number
            || !TryFelt(raw, "block_hash"u8, out var hash) || !TryFelt(raw, "parent_hash"u8, out var parent))
        {
            return null;
        }
        var time = raw.TryGetProperty("timestamp"u8, out var t) && t.TryGetInt64(out var seconds) && seconds is >= 0 and < 253_402_300_800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.UtcNow;
        return new Header(hash, parent, time);
    }

    private static bool TryFelt(JsonElement raw, ReadOnlySpan<byte> name, out Felt felt)
    {
        felt = default;
        return raw.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && Felt.TryParse(value.GetString(), out felt);
    }
}
