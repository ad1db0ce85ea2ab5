using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Ciro.Starknet.Rpc.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ciro.Starknet.Rpc;

/// <summary>Starknet JSON-RPC client (spec v0.10, reads v0.8/v0.7 shapes too). The HttpClient's BaseAddress is
/// the RPC URL. Thread-safe; register once per node with AddStarknetRpcClient.</summary>
public sealed partial class StarknetRpcClient
{
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly StarknetRpcClientOptions _options;
    private readonly StarknetRpcMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private long _nextId;
    private volatile bool _batchUnsupported;

    public StarknetRpcClient(
        HttpClient httpClient,
        ILogger<StarknetRpcClient>? logger = null,
        StarknetRpcClientOptions? options = null,
        StarknetRpcMetrics? metrics = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is null)
        {
            throw new ArgumentException("HttpClient.BaseAddress must be the RPC URL", nameof(httpClient));
        }
        _http = httpClient;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _options = options ?? new StarknetRpcClientOptions();
        _metrics = metrics ?? StarknetRpcMetrics.Default;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public Uri Endpoint => _http.BaseAddress!;

    /// <summary>True once the node rejected a batch; later batch calls go sequential without trying again.</summary>
    public bool BatchUnsupported => _batchUnsupported;

    public Task<string> GetSpecVersionAsync(CancellationToken cancellationToken = default) =>
        CallAsync("starknet_specVersion", null, StarknetJsonContext.Default.String, cancellationToken);

    /// <summary>The chain id felt (short string, e.g. "SN_SEPOLIA" = 0x534e5f5345504f4c4941).</summary>
    public Task<Felt> GetChainIdAsync(CancellationToken cancellationToken = default) =>
        CallAsync("starknet_chainId", null, StarknetJsonContext.Default.Felt, cancellationToken);

    public Task<SyncStatus> GetSyncingAsync(CancellationToken cancellationToken = default) =>
        CallAsync("starknet_syncing", null, StarknetJsonContext.Default.SyncStatus, cancellationToken);

    public Task<ulong> GetBlockNumberAsync(CancellationToken cancellationToken = default) =>
        CallAsync("starknet_blockNumber", null, StarknetJsonContext.Default.UInt64, cancellationToken);

    public Task<BlockHashAndNumber> GetBlockHashAndNumberAsync(CancellationToken cancellationToken = default) =>
        CallAsync("starknet_blockHashAndNumber", null, StarknetJsonContext.Default.BlockHashAndNumber, cancellationToken);

    public Task<BlockWithTxHashes> GetBlockWithTxHashesAsync(BlockId blockId, CancellationToken cancellationToken = default) =>
        CallAsync("starknet_getBlockWithTxHashes", w => RequestWriter.BlockIdParam(w, blockId),
            StarknetJsonContext.Default.BlockWithTxHashes, cancellationToken);

    public Task<BlockWithTxs> GetBlockWithTxsAsync(BlockId blockId, CancellationToken cancellationToken = default) =>
        CallAsync("starknet_getBlockWithTxs", w => RequestWriter.BlockIdParam(w, blockId),
            StarknetJsonContext.Default.BlockWithTxs, cancellationToken);

    public Task<BlockWithReceipts> GetBlockWithReceiptsAsync(BlockId blockId, CancellationToken cancellationToken = default) =>
        CallAsync("starknet_getBlockWithReceipts", w => RequestWriter.BlockIdParam(w, blockId),
            StarknetJsonContext.Default.BlockWithReceipts, cancellationToken);

    /// <summary>starknet_getBlockWithReceipts's result as the node sent it, undecoded: what an indexer keeps of a block
    /// that does not decode (and reads its header from leniently).</summary>
    public Task<JsonElement> GetBlockWithReceiptsRawAsync(BlockId blockId, CancellationToken cancellationToken = default) =>
        CallAsync("starknet_getBlockWithReceipts", w => RequestWriter.BlockIdParam(w, blockId),
            StarknetJsonContext.Default.JsonElement, cancellationToken);

    public Task<TransactionReceipt> GetTransactionReceiptAsync(Felt transactionHash, CancellationToken cancellationToken = default) =>
        CallAsync("starknet_getTransactionReceipt", w => w.WriteString("transaction_hash"u8, transactionHash.ToString()),
            StarknetJsonContext.Default.TransactionReceipt, cancellationToken);

    public Task<TransactionStatus> GetTransactionStatusAsync(Felt transactionHash, CancellationToken cancellationToken = default) =>
        CallAsync("starknet_getTransactionStatus", w => w.WriteString("transaction_hash"u8, transactionHash.ToString()),
            StarknetJsonContext.Default.TransactionStatus, cancellationToken);

    public Task<StateUpdate> GetStateUpdateAsync(BlockId blockId, CancellationToken cancellationToken = default) =>
        CallAsync("starknet_getStateUpdate", w => RequestWriter.BlockIdParam(w, blockId),
            StarknetJsonContext.Default.StateUpdate, cancellationToken);

    /// <summary>starknet_getClass: the class (Sierra version, compiler version) a class hash names at a block.</summary>
    public Task<ContractClass> GetClassAsync(BlockId blockId, Felt classHash, CancellationToken cancellationToken = default) =>
        CallAsync("starknet_getClass", w =>
        {
            RequestWriter.BlockIdParam(w, blockId);
            w.WriteString("class_hash"u8, classHash.ToString());
        }, StarknetJsonContext.Default.ContractClass, cancellationToken);

    /// <summary>starknet_traceTransaction: the call tree of one executed transaction (trace API).</summary>
    public Task<TransactionTrace> TraceTransactionAsync(Felt transactionHash, CancellationToken cancellationToken = default) =>
        CallAsync("starknet_traceTransaction", w => w.WriteString("transaction_hash"u8, transactionHash.ToString()),
            StarknetJsonContext.Default.TransactionTrace, cancellationToken);

    /// <summary>starknet_traceBlockTransactions: every transaction's trace, in block order. Sent without trace_flags,
    /// so every spec version answers the plain array.</summary>
    public async Task<IReadOnlyList<BlockTransactionTrace>> TraceBlockTransactionsAsync(BlockId blockId, CancellationToken cancellationToken = default) =>
        await CallAsync("starknet_traceBlockTransactions", w => RequestWriter.BlockIdParam(w, blockId),
            StarknetJsonContext.Default.ListBlockTransactionTrace, cancellationToken).ConfigureAwait(false);

    /// <summary>One page of events. Pass the previous page's token to continue; the token is opaque.</summary>
    public Task<EventsPage> GetEventsAsync(
        EventFilter filter, int chunkSize, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return CallAsync("starknet_getEvents", w => RequestWriter.EventFilterParam(w, filter, chunkSize, continuationToken),
            StarknetJsonContext.Default.EventsPage, cancellationToken);
    }

    /// <summary>Every event matching the filter, page after page, streamed as pages arrive.</summary>
    public async IAsyncEnumerable<EmittedEvent> GetAllEventsAsync(
        EventFilter filter, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await GetEventsAsync(filter, chunkSize, token, cancellationToken).ConfigureAwait(false);
            foreach (var emitted in page.Events)
            {
                yield return emitted;
            }
            if (page.ContinuationToken is not null && page.ContinuationToken == token)
            {
                // A node repeating a token would make this loop forever.
                throw new StarknetProtocolException("starknet_getEvents", $"continuation token '{token}' returned twice");
            }
            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>starknet_call: the function's return values as felts.</summary>
    public async Task<IReadOnlyList<Felt>> CallAsync(FunctionCall call, BlockId blockId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return await CallAsync("starknet_call", w =>
        {
            w.WritePropertyName("request"u8);
            w.WriteStartObject();
            w.WriteString("contract_address"u8, call.ContractAddress.ToString());
            w.WriteString("entry_point_selector"u8, call.EntryPointSelector.ToString());
            w.WritePropertyName("calldata"u8);
            RequestWriter.FeltArray(w, call.Calldata);
            w.WriteEndObject();
            RequestWriter.BlockIdParam(w, blockId);
        }, StarknetJsonContext.Default.ListFelt, cancellationToken).ConfigureAwait(false);
    }

    private Task<T> CallAsync<T>(string method, Action<Utf8JsonWriter>? writeParams, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var body = RequestWriter.Single(Interlocked.Increment(ref _nextId), method, writeParams);
        return ExecuteAsync(method, body, 1, response =>
        {
            EnsureSuccessStatus(response, method);
            return JsonRpcEnvelope.ParseSingle(response.Span, typeInfo, method);
        }, cancellationToken);
    }

    /// <summary>A non-2xx, non-transient status: the body may still be a JSON-RPC error worth surfacing.</summary>
    private static void EnsureSuccessStatus(ResponseBody response, string method)
    {
        if (response.StatusCode is >= 200 and < 300)
        {
            return;
        }
        if (JsonRpcEnvelope.TryReadError(response.Span, method) is { } rpcError)
        {
            throw rpcError;
        }
        var preview = Encoding.UTF8.GetString(response.Span[..Math.Min(response.Length, 200)]);
        throw new StarknetProtocolException(method, $"HTTP {response.StatusCode}: {preview}");
    }
}
