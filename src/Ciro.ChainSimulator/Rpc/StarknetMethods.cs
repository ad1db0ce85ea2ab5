using System.Text.Json;
using Ciro.ChainSimulator.Chain;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Rpc;

/// <summary>The served subset of the Starknet JSON-RPC API v0.10.3 (or v0.7.1, see <see cref="RpcShape"/>), by method name.</summary>
public sealed class StarknetMethods
{
    private delegate RpcOutcome Handler(JsonElement?[] args, ChainView view);

    private sealed record Method(string[] Params, int Required, Handler Handle);

    private readonly Dictionary<string, Method> _methods;
    private readonly ChainStore _chain;
    private readonly ChainJsonWriter _json;
    private readonly Felt _chainId;

    public StarknetMethods(ChainStore chain, ChainJsonWriter json, TraceJsonWriter traces, EventsQuery events, ContractViews views, SimulatorOptions options, FeltTable felts)
    {
        _chain = chain;
        _json = json;
        _chainId = Felt.FromShortString(options.ChainId);
        _methods = new(StringComparer.Ordinal)
        {
            ["starknet_specVersion"] = new([], 0, (_, _) => RpcOutcome.Ok(w => w.WriteStringValue(_json.SpecVersion))),
            ["starknet_chainId"] = new([], 0, (_, _) => RpcOutcome.Ok(w => ChainJsonWriter.FeltValue(w, _chainId))),
            ["starknet_syncing"] = new([], 0, (_, _) => RpcOutcome.Ok(w => w.WriteBooleanValue(false))),
            ["starknet_blockNumber"] = new([], 0, (_, v) => RpcOutcome.Ok(w => w.WriteNumberValue(v.HeadNumber))),
            ["starknet_blockHashAndNumber"] = new([], 0, (_, v) => RpcOutcome.Ok(w =>
            {
                w.WriteStartObject();
                _json.Felt(w, "block_hash"u8, v.Head.Hash);
                w.WriteNumber("block_number"u8, v.HeadNumber);
                w.WriteEndObject();
            })),
            ["starknet_getBlockWithTxHashes"] = new(["block_id"], 1, (a, v) => WithBlock(a[0]!.Value, v,
                (w, b) => _json.BlockWithTxHashes(w, v, b.Block, b.Pending))),
            ["starknet_getBlockWithReceipts"] = new(["block_id"], 1, (a, v) => WithBlock(a[0]!.Value, v,
                (w, b) => _json.BlockWithReceipts(w, v, b.Block, b.Pending))),
            ["starknet_getBlockTransactionCount"] = new(["block_id"], 1, (a, v) => WithBlock(a[0]!.Value, v,
                (w, b) => w.WriteNumberValue(b.Block.Transactions.Length))),
            ["starknet_getTransactionReceipt"] = new(["transaction_hash"], 1, Receipt),
            ["starknet_getTransactionByHash"] = new(["transaction_hash"], 1, TransactionByHash),
            ["starknet_getEvents"] = new(["filter"], 1, (a, v) => events.Execute(a[0], v)),
            ["starknet_getStateUpdate"] = new(["block_id", "contract_addresses"], 1, (a, v) => WithBlock(a[0]!.Value, v,
                (w, b) => StateJson.StateUpdate(w, _json, felts, b.Block, b.Pending, v, StateJson.AddressFilter(a[1])))),
            ["starknet_getClassHashAt"] = new(["block_id", "contract_address"], 2, (a, v) => WithBlockOutcome(a[0]!.Value, v, b =>
                !BlockIds.TryParseFelt(a[1], "contract_address", out var address, out var e) ? e!
                : StateJson.ClassAt(address, b.Block, v) is { } c ? RpcOutcome.Ok(w => ChainJsonWriter.FeltValue(w, c.Hash))
                : RpcError.ContractNotFound)),
            ["starknet_getClassAt"] = new(["block_id", "contract_address"], 2, (a, v) => WithBlockOutcome(a[0]!.Value, v, b =>
                !BlockIds.TryParseFelt(a[1], "contract_address", out var address, out var e) ? e!
                : StateJson.ClassAt(address, b.Block, v) is { } c ? RpcOutcome.Ok(w => StateJson.Class(w, c))
                : RpcError.ContractNotFound)),
            ["starknet_getClass"] = new(["block_id", "class_hash"], 2, (a, v) => WithBlockOutcome(a[0]!.Value, v, b =>
                !BlockIds.TryParseFelt(a[1], "class_hash", out var hash, out var e) ? e!
                : StateJson.Declared(hash, b.Block, v) is { } c ? RpcOutcome.Ok(w => StateJson.Class(w, c))
                : RpcError.ClassHashNotFound)),
            ["starknet_call"] = new(["request", "block_id"], 2, (a, v) => WithBlockOutcome(a[1]!.Value, v, b => views.Call(a[0]!.Value, b))),
        };
        if (options.RpcShape == RpcShape.Current)
        {
            // The trace API in its v0.10.3 shapes only (v0.7 traces carried Cairo steps; nothing here reads them).
            _methods["starknet_traceBlockTransactions"] = new(["block_id", "trace_flags"], 1, (a, v) => TraceBlock(a, v, traces));
            _methods["starknet_traceTransaction"] = new(["transaction_hash"], 1, (a, v) => TraceTransaction(a, v, traces));
        }
    }

    public IEnumerable<string> Names => _methods.Keys;

    public RpcOutcome Invoke(string method, JsonElement? rawParams)
    {
        if (!_methods.TryGetValue(method, out var m))
        {
            return RpcError.MethodNotFound(method);
        }
        if (!RpcParams.TryBind(rawParams, m.Params, m.Required, out var args, out var error))
        {
            return error!;
        }
        return m.Handle(args, _chain.View);
    }

    private RpcOutcome WithBlock(JsonElement id, ChainView view, Action<Utf8JsonWriter, BlockRef> write) =>
        BlockIds.TryResolve(id, view, _chain, out var block, out var error)
            ? RpcOutcome.Ok(w => write(w, block))
            : error!;

    private RpcOutcome WithBlockOutcome(JsonElement id, ChainView view, Func<BlockRef, RpcOutcome> next) =>
        BlockIds.TryResolve(id, view, _chain, out var block, out var error) ? next(block) : error!;

    /// <summary>The block id may not be pre_confirmed (the spec excludes it: that block is still being built), and the
    /// RETURN_INITIAL_READS flag's object answer is not served.</summary>
    private RpcOutcome TraceBlock(JsonElement?[] args, ChainView view, TraceJsonWriter traces)
    {
        var id = args[0]!.Value;
        if (id.ValueKind == JsonValueKind.String && id.GetString() == "pre_confirmed")
        {
            return RpcError.InvalidParams("block_id 'pre_confirmed' cannot be traced (latest, l1_accepted, a number or a hash)");
        }
        if (args[1] is { ValueKind: JsonValueKind.Array } flags && flags.EnumerateArray().Any(f => f.ValueKind != JsonValueKind.String || f.GetString() != "RETURN_INITIAL_READS"))
        {
            return RpcError.InvalidParams($"trace_flags {flags.GetRawText()}: the only flag is RETURN_INITIAL_READS");
        }
        if (args[1] is { ValueKind: JsonValueKind.Array } asked && asked.GetArrayLength() > 0)
        {
            return RpcError.InvalidParams("trace_flags RETURN_INITIAL_READS is not served by the simulator");
        }
        return WithBlock(id, view, (w, b) => traces.BlockTraces(w, b.Block));
    }

    private RpcOutcome TraceTransaction(JsonElement?[] args, ChainView view, TraceJsonWriter traces)
    {
        if (!BlockIds.TryParseFelt(args[0], "transaction_hash", out var hash, out var error))
        {
            return error!;
        }
        return _chain.TryFindTransaction(hash, view, out var block, out var index)
            ? RpcOutcome.Ok(w => traces.Trace(w, block, index))
            : RpcError.TxnHashNotFound;
    }

    /// <summary>TXN_RECEIPT_WITH_BLOCK_INFO: a pre-confirmed receipt has a block_number and no block_hash.</summary>
    private RpcOutcome Receipt(JsonElement?[] args, ChainView view)
    {
        if (!BlockIds.TryParseFelt(args[0], "transaction_hash", out var hash, out var error))
        {
            return error!;
        }
        if (!_chain.TryFindTransaction(hash, view, out var block, out var index))
        {
            return RpcError.TxnHashNotFound;
        }
        var pending = block == view.Pending;
        return RpcOutcome.Ok(w =>
        {
            w.WriteStartObject();
            _json.ReceiptMembers(w, block, index, _json.Finality(view, block, pending));
            if (!pending)
            {
                _json.Felt(w, "block_hash"u8, block.Hash);
            }
            w.WriteNumber("block_number"u8, block.Number);
            w.WriteEndObject();
        });
    }

    private RpcOutcome TransactionByHash(JsonElement?[] args, ChainView view)
    {
        if (!BlockIds.TryParseFelt(args[0], "transaction_hash", out var hash, out var error))
        {
            return error!;
        }
        return _chain.TryFindTransaction(hash, view, out var block, out var index)
            ? RpcOutcome.Ok(w => _json.Transaction(w, block, index, withHash: true))
            : RpcError.TxnHashNotFound;
    }
}
