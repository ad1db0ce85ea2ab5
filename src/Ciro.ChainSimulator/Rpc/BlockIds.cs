using System.Text.Json;
using Ciro.ChainSimulator.Chain;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Rpc;

/// <summary>A resolved BLOCK_ID: a canonical block, or the pre-confirmed one.</summary>
public readonly record struct BlockRef(SimBlock Block, bool Pending);

public static class BlockIds
{
    /// <summary>BLOCK_ID is {"block_number": n}, {"block_hash": h} or a tag (latest, l1_accepted, pre_confirmed).</summary>
    public static bool TryResolve(JsonElement id, ChainView view, ChainStore chain, out BlockRef block, out RpcError? error)
    {
        block = default;
        error = null;
        switch (id.ValueKind)
        {
            case JsonValueKind.String:
                switch (id.GetString())
                {
                    case "latest":
                        block = new BlockRef(view.Head, false);
                        return true;
                    case "l1_accepted":
                        block = new BlockRef(view.ByNumber(view.L1AcceptedNumber)!, false);
                        return true;
                    case "pre_confirmed":
                        block = new BlockRef(view.Pending, true);
                        return true;
                    default:
                        error = RpcError.InvalidParams($"unknown block tag '{id.GetString()}' (latest, l1_accepted, pre_confirmed)");
                        return false;
                }
            case JsonValueKind.Object when id.TryGetProperty("block_number", out var number):
                if (number.ValueKind != JsonValueKind.Number || !number.TryGetInt64(out var n) || n < 0)
                {
                    error = RpcError.InvalidParams($"block_number must be a non-negative integer, got {number.GetRawText()}");
                    return false;
                }
                if (view.ByNumber(n) is { } byNumber)
                {
                    block = new BlockRef(byNumber, false);
                    return true;
                }
                error = RpcError.BlockNotFound;
                return false;
            case JsonValueKind.Object when id.TryGetProperty("block_hash", out var hash):
                if (hash.ValueKind != JsonValueKind.String || !Felt.TryParse(hash.GetString(), out var h))
                {
                    error = RpcError.InvalidParams($"block_hash must be a felt, got {hash.GetRawText()}");
                    return false;
                }
                if (chain.FindBlock(h, view) is { } byHash)
                {
                    block = new BlockRef(byHash, false);
                    return true;
                }
                error = RpcError.BlockNotFound;
                return false;
            default:
                error = RpcError.InvalidParams($"block_id must be a tag, {{\"block_number\": n}} or {{\"block_hash\": h}}, got {id.GetRawText()}");
                return false;
        }
    }

    public static bool TryParseFelt(JsonElement? value, string name, out Felt felt, out RpcError? error)
    {
        error = null;
        if (value is { ValueKind: JsonValueKind.String } s && s.GetString() is { } text
            && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && Felt.TryParse(text, out felt))
        {
            return true;
        }
        felt = default;
        error = RpcError.InvalidParams($"{name} must be a 0x-prefixed felt, got {value?.GetRawText() ?? "nothing"}");
        return false;
    }
}
