using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Ciro.Starknet.Rpc;
using Ciro.Starknet.Rpc.Subscriptions;
using Microsoft.AspNetCore.Http;

namespace Ciro.Starknet.Tests;

/// <summary>Subscriptions against a real Kestrel websocket endpoint that replays recorded notifications.</summary>
public sealed class WebSocketSubscriptionTests
{
    private readonly ConcurrentQueue<JsonElement> _received = new();

    private static Uri WsUrl(TestRpcServer server) => new($"ws://{server.Url.Authority}/ws");

    /// <summary>Answers subscribe requests with id "42", then pushes <paramref name="pushes"/> (each a recorded
    /// notification whose subscription_id is rewritten); answers unsubscribe with true.</summary>
    private RequestDelegate Node(Func<JsonElement, string?>? errorFor = null, bool closeAfterPushes = false, params string[] pushes) => async context =>
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[64 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }
            using var request = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
            var root = request.RootElement.Clone();
            _received.Enqueue(root);
            var id = root.GetProperty("id").GetInt64();
            var method = root.GetProperty("method").GetString();
            if (errorFor?.Invoke(root) is { } error)
            {
                await Send(socket, $$"""{"jsonrpc":"2.0","id":{{id}},"error":{{error}}}""");
                continue;
            }
            if (method == "starknet_unsubscribe")
            {
                await Send(socket, $$"""{"jsonrpc":"2.0","id":{{id}},"result":true}""");
                continue;
            }
            await Send(socket, $$"""{"jsonrpc":"2.0","id":{{id}},"result":"42"}""");
            foreach (var push in pushes)
            {
                await Send(socket, push);
            }
            if (closeAfterPushes)
            {
                // A close frame after the pushes, in order (an abort could drop the unsent pushes).
                await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "node restarting", CancellationToken.None);
                return;
            }
        }
    };

    private static Task Send(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static string Recorded(string file)
    {
        var json = TestData.Read("starknet", "rpc", "ws", file);
        using var document = JsonDocument.Parse(json);
        var original = document.RootElement.GetProperty("params").GetProperty("subscription_id").GetString()!;
        return json.Replace(original, "42", StringComparison.Ordinal);
    }

    private const string Reorg = """
        {"jsonrpc":"2.0","method":"starknet_subscriptionReorg","params":{"subscription_id":"42","result":{
          "starting_block_hash":"0xaa","starting_block_number":4414090,"ending_block_hash":"0xbb","ending_block_number":4414095}}}
        """;

    [Fact]
    public async Task New_heads_and_reorg_arrive_then_the_subscription_is_cancelled()
    {
        await using var server = await TestRpcServer.StartAsync(TestRpcServer.Json("{}"));
        server.WebSocketHandler = Node(pushes: [Recorded("sepolia_subscriptionNewHeads.json"), Reorg]);
        await using var client = await StarknetWebSocketClient.ConnectAsync(WsUrl(server));

        var seen = new List<SubscriptionNotification>();
        await foreach (var notification in client.SubscribeNewHeadsAsync(BlockId.Number(4_414_000)))
        {
            seen.Add(notification);
            if (seen.Count == 2)
            {
                break;
            }
        }

        var head = Assert.IsType<NewHeadNotification>(seen[0]);
        Assert.Equal(4_414_096UL, head.Header.BlockNumber);
        var reorg = Assert.IsType<ReorgNotification>(seen[1]);
        Assert.Equal(4_414_090UL, reorg.Reorg.StartingBlockNumber);
        Assert.Equal(Felt.Parse("0xbb"), reorg.Reorg.EndingBlockHash);

        var subscribe = _received.First();
        Assert.Equal("starknet_subscribeNewHeads", subscribe.GetProperty("method").GetString());
        Assert.Equal(4_414_000UL, subscribe.GetProperty("params").GetProperty("block_id").GetProperty("block_number").GetUInt64());
        await WaitUntil(() => _received.Any(r => r.GetProperty("method").GetString() == "starknet_unsubscribe"));
        var unsubscribe = _received.Single(r => r.GetProperty("method").GetString() == "starknet_unsubscribe");
        Assert.Equal("42", unsubscribe.GetProperty("params").GetProperty("subscription_id").GetString());
    }

    [Fact]
    public async Task Events_subscription_sends_the_filter_and_yields_emitted_events()
    {
        await using var server = await TestRpcServer.StartAsync(TestRpcServer.Json("{}"));
        server.WebSocketHandler = Node(pushes: [Recorded("sepolia_subscriptionEvents.json")]);
        await using var client = await StarknetWebSocketClient.ConnectAsync(WsUrl(server));
        var strk = Felt.Parse("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");

        var first = await client.SubscribeEventsAsync([strk], [[Selector.FromName("Transfer")]], finalityStatus: "ACCEPTED_ON_L2")
            .FirstAsync();

        var ev = Assert.IsType<EventNotification>(first).Event;
        Assert.Equal(strk, ev.FromAddress);
        Assert.Equal(1, ev.TransactionIndex);
        var parameters = _received.First().GetProperty("params");
        Assert.Equal(strk.ToString(), parameters.GetProperty("from_address").GetString());
        Assert.Equal(Selector.FromName("Transfer").ToString(), parameters.GetProperty("keys")[0][0].GetString());
        Assert.Equal("ACCEPTED_ON_L2", parameters.GetProperty("finality_status").GetString());
    }

    [Fact]
    public async Task Subscription_error_is_typed()
    {
        await using var server = await TestRpcServer.StartAsync(TestRpcServer.Json("{}"));
        server.WebSocketHandler = Node(errorFor: _ => """{"code":68,"message":"Cannot go back more than 1024 blocks"}""");
        await using var client = await StarknetWebSocketClient.ConnectAsync(WsUrl(server));

        var ex = await Assert.ThrowsAsync<StarknetRpcException>(
            async () => await client.SubscribeNewHeadsAsync(BlockId.Number(1)).FirstAsync());
        Assert.Equal(StarknetErrorCode.TooManyBlocksBack, ex.ErrorCode);
        Assert.Equal("starknet_subscribeNewHeads", ex.Method);
    }

    [Fact]
    public async Task Dropped_socket_ends_the_subscription_with_an_exception()
    {
        await using var server = await TestRpcServer.StartAsync(TestRpcServer.Json("{}"));
        server.WebSocketHandler = Node(closeAfterPushes: true, pushes: [Recorded("sepolia_subscriptionNewTransactionReceipts.json")]);
        await using var client = await StarknetWebSocketClient.ConnectAsync(WsUrl(server));

        var seen = new List<SubscriptionNotification>();
        await Assert.ThrowsAsync<StarknetTransportException>(async () =>
        {
            await foreach (var notification in client.SubscribeTransactionStatusAsync(Felt.One))
            {
                seen.Add(notification);
            }
        });
        Assert.IsType<NewTransactionReceiptNotification>(Assert.Single(seen));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(20);
        }
    }
}
