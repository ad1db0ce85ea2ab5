using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ciro.Starknet.Rpc.Subscriptions;

/// <summary>Starknet websocket subscriptions (spec v0.10.3 starknet_ws_api) over one ClientWebSocket. Each
/// Subscribe… call is an IAsyncEnumerable: it subscribes, yields notifications (including
/// <see cref="ReorgNotification"/>s for that subscription) and unsubscribes when the consumer stops. When the
/// socket fails every open enumeration throws, so the caller can switch to polling (the indexer's job).</summary>
public sealed class StarknetWebSocketClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement?>> _pending = new();
    private readonly ConcurrentDictionary<string, Channel<SubscriptionNotification>> _subscriptions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _receiveLoop;
    private readonly int _maxMessageBytes;
    private long _nextId;
    private Exception? _failure;

    private StarknetWebSocketClient(ClientWebSocket socket, ILogger logger, int maxMessageBytes)
    {
        _socket = socket;
        _logger = logger;
        _maxMessageBytes = maxMessageBytes;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <param name="maxMessageBytes">Largest message read (default
    /// <see cref="StarknetRpcClientOptions.MaxWebSocketMessageBytes"/>); a larger one fails the socket with a
    /// <see cref="StarknetProtocolException"/> instead of growing a buffer without bound.</param>
    public static async Task<StarknetWebSocketClient> ConnectAsync(
        Uri endpoint, ILogger<StarknetWebSocketClient>? logger = null, CancellationToken cancellationToken = default,
        int? maxMessageBytes = null)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new StarknetWebSocketClient(socket, (ILogger?)logger ?? NullLogger.Instance,
            maxMessageBytes ?? new StarknetRpcClientOptions().MaxWebSocketMessageBytes);
    }

    /// <summary>New block headers from <paramref name="from"/> (at most 1024 blocks back) or from the next block.</summary>
    public IAsyncEnumerable<SubscriptionNotification> SubscribeNewHeadsAsync(BlockId? from = null, CancellationToken cancellationToken = default) =>
        SubscribeAsync("starknet_subscribeNewHeads", w =>
        {
            if (from is { } block)
            {
                RequestWriter.BlockIdParam(w, block);
            }
        }, cancellationToken);

    /// <summary>Events matching the filter (keys as in getEvents). finalityStatus: PRE_CONFIRMED or ACCEPTED_ON_L2.</summary>
    public IAsyncEnumerable<SubscriptionNotification> SubscribeEventsAsync(
        IReadOnlyList<Felt>? fromAddresses = null,
        IReadOnlyList<IReadOnlyList<Felt>>? keys = null,
        BlockId? from = null,
        string? finalityStatus = null,
        CancellationToken cancellationToken = default) =>
        SubscribeAsync("starknet_subscribeEvents", w =>
        {
            if (fromAddresses is { Count: 1 })
            {
                w.WriteString("from_address"u8, fromAddresses[0].ToString());
            }
            else if (fromAddresses is { Count: > 1 })
            {
                w.WritePropertyName("from_address"u8);
                RequestWriter.FeltArray(w, fromAddresses);
            }
            if (keys is { Count: > 0 })
            {
                w.WritePropertyName("keys"u8);
                w.WriteStartArray();
                foreach (var position in keys)
                {
                    RequestWriter.FeltArray(w, position);
                }
                w.WriteEndArray();
            }
            if (from is { } block)
            {
                RequestWriter.BlockIdParam(w, block);
            }
            if (finalityStatus is not null)
            {
                w.WriteString("finality_status"u8, finalityStatus);
            }
        }, cancellationToken);

    public IAsyncEnumerable<SubscriptionNotification> SubscribeTransactionStatusAsync(Felt transactionHash, CancellationToken cancellationToken = default) =>
        SubscribeAsync("starknet_subscribeTransactionStatus",
            w => w.WriteString("transaction_hash"u8, transactionHash.ToString()), cancellationToken);

    private async IAsyncEnumerable<SubscriptionNotification> SubscribeAsync(
        string method, Action<Utf8JsonWriter> writeParams, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(method, writeParams, cancellationToken).ConfigureAwait(false);
        var id = reply is { } element
            ? SubscriptionMessageParser.SubscriptionId(element)
            : throw new StarknetProtocolException(method, "subscription reply without a subscription id");
        var channel = Channel(id);
        try
        {
            await foreach (var notification in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return notification;
            }
        }
        finally
        {
            _subscriptions.TryRemove(id, out _);
            if (_failure is null && _socket.State == WebSocketState.Open)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await RequestAsync("starknet_unsubscribe", w => w.WriteString("subscription_id"u8, id), timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is StarknetClientException or OperationCanceledException or WebSocketException)
                {
                    _logger.LogDebug(ex, "Unsubscribing {SubscriptionId} failed", id);
                }
            }
        }
    }

    private Channel<SubscriptionNotification> Channel(string subscriptionId) =>
        _subscriptions.GetOrAdd(subscriptionId, _ => System.Threading.Channels.Channel.CreateUnbounded<SubscriptionNotification>(
            new UnboundedChannelOptions { SingleReader = true, SingleWriter = true }));

    private async Task<JsonElement?> RequestAsync(string method, Action<Utf8JsonWriter> writeParams, CancellationToken cancellationToken)
    {
        if (_failure is { } failure)
        {
            throw new StarknetTransportException(method, $"websocket is closed: {failure.Message}", 1, failure);
        }
        var id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonElement?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        try
        {
            var body = RequestWriter.Single(id, method, writeParams);
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _socket.SendAsync(body, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
            return await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StarknetRpcException ex)
        {
            // Replies are parsed before we know which method they answer; re-label with ours.
            throw StarknetRpcException.Create(method, ex.Code, ex.RpcMessage, ex.Data);
        }
        catch (WebSocketException ex)
        {
            throw new StarknetTransportException(method, ex.Message, 1, ex);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(8 * 1024), _closing.Token).ConfigureAwait(false);
                    buffer.Advance(result.Count);
                    if (buffer.WrittenCount > _maxMessageBytes)
                    {
                        throw new StarknetProtocolException("websocket",
                            $"message of more than {_maxMessageBytes} bytes exceeds Starknet:Client:MaxWebSocketMessageBytes", kind: "too_large");
                    }
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "the node closed the websocket");
                }
                Dispatch(buffer.WrittenSpan);
            }
        }
        catch (Exception ex)
        {
            if (!_closing.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Starknet websocket failed; open subscriptions end");
            }
            Fail(ex);
        }
        finally
        {
            Fail(_failure ?? new ObjectDisposedException(nameof(StarknetWebSocketClient)));
        }
    }

    private void Dispatch(ReadOnlySpan<byte> frame)
    {
        SubscriptionMessageParser.Parse(frame, out var notification, out var reply);
        if (notification is not null)
        {
            Channel(notification.SubscriptionId).Writer.TryWrite(notification);
        }
        else if (reply is { } r && _pending.TryGetValue(r.Id, out var completion))
        {
            if (r.Error is { } error)
            {
                completion.TrySetException(error);
            }
            else
            {
                completion.TrySetResult(r.Result);
            }
        }
    }

    private void Fail(Exception ex)
    {
        _failure ??= ex;
        var wrapped = new StarknetTransportException("websocket", ex.Message, 1, ex);
        foreach (var completion in _pending.Values)
        {
            completion.TrySetException(wrapped);
        }
        foreach (var channel in _subscriptions.Values)
        {
            channel.Writer.TryComplete(wrapped);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Closing is best effort: the node may already be gone.
            }
        }
        // Cancelling a pending receive aborts the socket; the close frame has been sent by now.
        await _closing.CancelAsync().ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(false);
        _socket.Dispose();
        _sendLock.Dispose();
        _closing.Dispose();
    }
}
