using Ciro.Indexer.Contracts;
using Ciro.Starknet.Rpc;
using Ciro.Starknet.Rpc.Subscriptions;
using Microsoft.Extensions.Options;

namespace Ciro.Indexer.Following;

/// <summary>
/// Keeps a starknet_subscribeNewHeads subscription open on the node's websocket and turns every new head (and
/// every reorg notice) into a <see cref="HeadSignal"/> pulse that wakes the <see cref="ChainFollower"/> early.
/// Nothing is taken from the notifications themselves. When the socket cannot be opened, the subscription is
/// refused or the socket drops, the follower simply keeps polling: one log line per lost connection, a failure
/// counted, and reconnection in the background with a doubling delay. Indexing never waits for this service.
/// </summary>
public sealed class HeadSubscriber(
    HeadSignal signal,
    IndexerMetrics metrics,
    IConfiguration configuration,
    IOptions<IndexerOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<HeadSubscriber> logger) : BackgroundService
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Starknet:WebSocketUrl when set; else, with Indexer:UseWebSocket, ws(s)://host:port/ws of
    /// Starknet:RpcUrl (the chain simulator's endpoint; real nodes serve theirs elsewhere and need the setting).
    /// Null when websockets are switched off.</summary>
    public static Uri? ResolveWebSocketUri(IConfiguration configuration, IndexerOptions options, out string? problem)
    {
        problem = null;
        if (!options.UseWebSocket)
        {
            return null;
        }
        var configured = configuration["Starknet:WebSocketUrl"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (Uri.TryCreate(configured, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss")
            {
                return uri;
            }
            problem = $"Starknet:WebSocketUrl = '{configured}' is not an absolute ws:// or wss:// URL";
            return null;
        }
        if (!Uri.TryCreate(configuration["Starknet:RpcUrl"], UriKind.Absolute, out var rpc) || rpc.Scheme is not ("http" or "https"))
        {
            problem = $"no ws URL can be derived from Starknet:RpcUrl = '{configuration["Starknet:RpcUrl"]}'";
            return null;
        }
        return new UriBuilder(rpc) { Scheme = rpc.Scheme == "https" ? "wss" : "ws", Path = "/ws", Query = "", Fragment = "" }.Uri;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var uri = ResolveWebSocketUri(configuration, options.Value, out var problem);
        if (uri is null)
        {
            if (problem is null)
            {
                logger.LogInformation("New heads: websocket off (Indexer:UseWebSocket = false); polling every {PollInterval}", options.Value.PollInterval);
            }
            else
            {
                metrics.WebSocketFailures.Add(1, new KeyValuePair<string, object?>("stage", "configuration"));
                logger.LogWarning("New heads: {Problem}; polling every {PollInterval} instead", problem, options.Value.PollInterval);
            }
            return;
        }

        var delay = options.Value.WebSocketRetryDelay;
        var announceFailure = true; // one log line per lost connection, not one per reconnect attempt
        var clientLogger = loggerFactory.CreateLogger<StarknetWebSocketClient>();
        var maxMessageBytes = configuration.GetSection(StarknetRpcClientOptions.SectionName).Get<StarknetRpcClientOptions>()?.MaxWebSocketMessageBytes;
        while (!stoppingToken.IsCancellationRequested)
        {
            var stage = "connect";
            try
            {
                StarknetWebSocketClient client;
                using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    connectTimeout.CancelAfter(ConnectTimeout);
                    client = await StarknetWebSocketClient.ConnectAsync(uri, clientLogger, connectTimeout.Token, maxMessageBytes);
                }
                await using (client)
                {
                    stage = "subscribe";
                    // From "latest": the node answers with the current head first, which confirms the
                    // subscription and covers a block sealed while it was being set up.
                    await foreach (var notification in client.SubscribeNewHeadsAsync(BlockId.Latest, stoppingToken))
                    {
                        long? announced;
                        string kind;
                        switch (notification)
                        {
                            case NewHeadNotification head:
                                announced = (long)head.Header.BlockNumber;
                                kind = "new_head";
                                break;
                            case ReorgNotification:
                                announced = null;
                                kind = "reorg";
                                break;
                            default:
                                continue;
                        }
                        if (stage != "subscribed")
                        {
                            stage = "subscribed";
                            signal.SetSubscribed(true);
                            metrics.SetWebSocketConnected(true);
                            delay = options.Value.WebSocketRetryDelay;
                            announceFailure = true;
                            logger.LogInformation("New heads: subscribed at {Uri}; polling every {Interval} as a safety net",
                                uri, ChainFollower.SubscribedPollInterval(options.Value));
                        }
                        metrics.HeadNotifications.Add(1, new KeyValuePair<string, object?>("kind", kind));
                        signal.Pulse(announced);
                    }
                    throw new InvalidOperationException("the node ended the newHeads subscription");
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                signal.SetSubscribed(false);
                metrics.SetWebSocketConnected(false);
                metrics.WebSocketFailures.Add(1, new KeyValuePair<string, object?>("stage", stage));
                if (announceFailure)
                {
                    announceFailure = false;
                    logger.LogWarning("New heads: websocket {Uri} failed at {Stage} ({Error}); polling every {PollInterval} and reconnecting in the background",
                        uri, stage, ex.Message, options.Value.PollInterval);
                }
                else
                {
                    logger.LogDebug(ex, "New heads: websocket {Uri} still failing at {Stage}; next attempt in {Delay}", uri, stage, delay);
                }
                // Wake the follower: it may have been sleeping the long interval meant for a live subscription.
                signal.Pulse();
            }
            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, options.Value.MaxWebSocketRetryDelay.TotalMilliseconds));
        }
        signal.SetSubscribed(false);
        metrics.SetWebSocketConnected(false);
    }
}
