using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Tests;

/// <summary>Subscriptions at /ws, their notifications checked against starknet_ws_api.json.</summary>
public sealed class WebSocketTests
{
    private static SpecSchemas Spec => SpecSchemas.Instance;

    private sealed class Client : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly Queue<JsonElement> _notifications = new();
        private int _id;

        public static async Task<Client> ConnectAsync(SimulatorFactory sim)
        {
            var client = new Client();
            var uri = new UriBuilder(sim.BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri;
            await client._socket.ConnectAsync(uri, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            return client;
        }

        /// <summary>Sends a request and returns its answer; notifications that arrive first are kept for ReceiveAsync.</summary>
        public async Task<JsonElement> RequestAsync(string method, object parameters)
        {
            var id = ++_id;
            var body = JsonSerializer.Serialize(new { jsonrpc = "2.0", id, method, @params = parameters });
            await _socket.SendAsync(Encoding.UTF8.GetBytes(body), WebSocketMessageType.Text, true, CancellationToken.None);
            while (true)
            {
                var message = await ReadAsync();
                if (message.TryGetProperty("id", out var answerId) && answerId.ValueKind == JsonValueKind.Number && answerId.GetInt32() == id)
                {
                    return message;
                }
                _notifications.Enqueue(message);
            }
        }

        public async Task<JsonElement> ReceiveAsync() => _notifications.TryDequeue(out var queued) ? queued : await ReadAsync();

        private async Task<JsonElement> ReadAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var buffer = new byte[1 << 20];
            var length = 0;
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), timeout.Token);
                length += result.Count;
            } while (!result.EndOfMessage);
            using var doc = JsonDocument.Parse(buffer.AsMemory(0, length));
            return doc.RootElement.Clone();
        }

        public async ValueTask DisposeAsync()
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            _socket.Dispose();
        }
    }

    [Fact]
    public async Task New_heads_arrive_for_each_sealed_block_and_match_the_spec()
    {
        await using var sim = new SimulatorFactory(seed: 31, pregenerate: 10);
        await using var ws = await Client.ConnectAsync(sim);
        var answer = await ws.RequestAsync("starknet_subscribeNewHeads", new { block_id = new { block_number = 8 } });
        var id = answer.GetProperty("result").GetString();
        var numbers = new List<long>();
        for (var i = 0; i < 3; i++) // backlog 8, 9, 10
        {
            numbers.Add(await AssertHeadAsync(ws, id));
        }
        await sim.AdvanceAsync(2);
        numbers.Add(await AssertHeadAsync(ws, id));
        numbers.Add(await AssertHeadAsync(ws, id));
        Assert.Equal([8L, 9, 10, 11, 12], numbers);

        var closed = await ws.RequestAsync("starknet_unsubscribe", new { subscription_id = id });
        Assert.True(closed.GetProperty("result").GetBoolean());
        var again = await ws.RequestAsync("starknet_unsubscribe", new { subscription_id = id });
        Assert.Equal(66, again.GetProperty("error").GetProperty("code").GetInt32());
        var tooFar = await ws.RequestAsync("starknet_subscribeNewHeads", new { block_id = "pre_confirmed" });
        Assert.Equal(-32602, tooFar.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Event_subscriptions_filter_and_reorgs_are_announced_then_replayed()
    {
        await using var sim = new SimulatorFactory(seed: 32, pregenerate: 10);
        await using var ws = await Client.ConnectAsync(sim);
        var selector = Selector.FromName("JobSubmitted").ToString();
        var sub = (await ws.RequestAsync("starknet_subscribeEvents", new
        {
            from_address = "0xbf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd",
            keys = new[] { new[] { selector } },
        })).GetProperty("result").GetString();
        var heads = await ws.RequestAsync("starknet_subscribeNewHeads", new { });
        var headsId = heads.GetProperty("result").GetString();

        // Expected events come from getEvents over the blocks the subscription covers (10 onwards).
        await sim.AdvanceAsync(3);
        var expected = (await sim.ResultAsync("starknet_getEvents", new { filter = new { from_block = new { block_number = 10 }, keys = new[] { new[] { selector } }, chunk_size = 1000 } }))
            .GetProperty("events").GetArrayLength();
        var got = 0;
        var headCount = 0;
        while (got < expected || headCount < 4)
        {
            var n = await ws.ReceiveAsync();
            var method = n.GetProperty("method").GetString();
            var result = n.GetProperty("params").GetProperty("result");
            if (method == "starknet_subscriptionEvents")
            {
                Assert.Equal(sub, n.GetProperty("params").GetProperty("subscription_id").GetString());
                SpecSchemas.AssertValid(Spec.MethodParam("starknet_subscriptionEvents", "result"), result, "events notification");
                Assert.Equal(selector, result.GetProperty("keys")[0].GetString());
                got++;
            }
            else
            {
                Assert.Equal("starknet_subscriptionNewHeads", method);
                headCount++;
            }
        }
        Assert.True(expected > 0);

        var reorg = await sim.AdminAsync("/admin/reorg", new { depth = 2 });
        var seenReorgs = 0;
        var replayedHeads = new List<long>();
        while (seenReorgs < 2 || replayedHeads.Count < 2)
        {
            var n = await ws.ReceiveAsync();
            var method = n.GetProperty("method").GetString();
            var result = n.GetProperty("params").GetProperty("result");
            if (method == "starknet_subscriptionReorg")
            {
                SpecSchemas.AssertValid(Spec.MethodParam("starknet_subscriptionReorg", "result"), result, "reorg notification");
                Assert.Equal(reorg.GetProperty("oldHashes")[0].GetString(), result.GetProperty("starting_block_hash").GetString());
                Assert.Equal(12, result.GetProperty("starting_block_number").GetInt64());
                Assert.Equal(13, result.GetProperty("ending_block_number").GetInt64());
                seenReorgs++;
            }
            else if (method == "starknet_subscriptionNewHeads")
            {
                Assert.Equal(headsId, n.GetProperty("params").GetProperty("subscription_id").GetString());
                Assert.True(seenReorgs > 0, "new-branch heads come only after the reorg notice");
                replayedHeads.Add(result.GetProperty("block_number").GetInt64());
                Assert.Equal(reorg.GetProperty("newHashes")[replayedHeads.Count - 1].GetString(), result.GetProperty("block_hash").GetString());
            }
        }
        Assert.Equal([12L, 13], replayedHeads);
        Assert.Equal(2, (await sim.AdminAsync("/admin/state")).GetProperty("webSocketSubscriptions").GetInt32());
    }

    private static async Task<long> AssertHeadAsync(Client ws, string? id)
    {
        var n = await ws.ReceiveAsync();
        Assert.Equal("starknet_subscriptionNewHeads", n.GetProperty("method").GetString());
        Assert.Equal(id, n.GetProperty("params").GetProperty("subscription_id").GetString());
        var header = n.GetProperty("params").GetProperty("result");
        SpecSchemas.AssertValid(Spec.MethodParam("starknet_subscriptionNewHeads", "result"), header, "new heads notification");
        return header.GetProperty("block_number").GetInt64();
    }
}
