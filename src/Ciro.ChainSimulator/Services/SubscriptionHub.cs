using System.Text.Json;
using Ciro.ChainSimulator.Chain;
using Ciro.ChainSimulator.Rpc;

namespace Ciro.ChainSimulator.Services;

/// <summary>
/// Websocket subscriptions of spec v0.10.3: new heads, events (ACCEPTED_ON_L2), and a
/// starknet_subscriptionReorg to every subscriber when blocks are replaced, followed by the new branch.
/// One lock orders backlog and live notifications, so a subscriber sees each block once and in order.
/// </summary>
public sealed class SubscriptionHub : IDisposable
{
    public const int MaxBlocksBack = 1024;

    private sealed class Subscription(string id, WebSocketConnection connection, EventMatcher? events)
    {
        public string Id => id;
        public WebSocketConnection Connection => connection;
        /// <summary>Null for a new-heads subscription.</summary>
        public EventMatcher? Events => events;
        public long LastSent = -1;
    }

    private readonly ChainStore _chain;
    private readonly ChainJsonWriter _json;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Subscription> _subscriptions = new();
    private long _nextId = 1;

    public SubscriptionHub(ChainStore chain, ChainJsonWriter json)
    {
        _chain = chain;
        _json = json;
        chain.NewHead += OnNewHead;
        chain.Reorged += OnReorg;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _subscriptions.Count;
            }
        }
    }

    /// <summary>Registers and answers (subscription id, then the backlog from <paramref name="from"/>), atomically
    /// with respect to new blocks.</summary>
    public void Subscribe(WebSocketConnection connection, JsonElement? requestId, EventMatcher? events, long? from)
    {
        lock (_gate)
        {
            var view = _chain.View;
            var id = ((ulong)_nextId++ * 2_654_435_761UL % 10_000_000_019UL).ToString(); // opaque, like node ids
            var sub = new Subscription(id, connection, events) { LastSent = (from ?? view.HeadNumber + 1) - 1 };
            _subscriptions[id] = sub;
            connection.TrySend(w => JsonRpc.Result(w, requestId, r => r.WriteStringValue(id)));
            for (var n = sub.LastSent + 1; n <= view.HeadNumber; n++)
            {
                Send(sub, view.ByNumber(n)!, view);
            }
        }
    }

    public bool Unsubscribe(WebSocketConnection connection, string id)
    {
        lock (_gate)
        {
            return _subscriptions.TryGetValue(id, out var sub) && sub.Connection == connection && _subscriptions.Remove(id);
        }
    }

    public void Drop(WebSocketConnection connection)
    {
        lock (_gate)
        {
            foreach (var id in _subscriptions.Where(p => p.Value.Connection == connection).Select(p => p.Key).ToList())
            {
                _subscriptions.Remove(id);
            }
        }
    }

    private void OnNewHead(SimBlock block)
    {
        lock (_gate)
        {
            var view = _chain.View;
            foreach (var sub in _subscriptions.Values)
            {
                // Catch up to the head: blocks sealed while this handler waited for the lock are sent in order.
                for (var n = sub.LastSent + 1; n <= view.HeadNumber; n++)
                {
                    Send(sub, view.ByNumber(n)!, view);
                }
            }
        }
    }

    private void OnReorg(ReorgInfo reorg)
    {
        lock (_gate)
        {
            var view = _chain.View;
            foreach (var sub in _subscriptions.Values)
            {
                if (sub.LastSent < reorg.FirstNumber)
                {
                    continue; // it never saw the orphaned blocks
                }
                var orphanedSeen = (int)Math.Min(sub.LastSent, reorg.LastNumber) - (int)reorg.FirstNumber;
                sub.Connection.TrySend(w => JsonRpc.Notification(w, "starknet_subscriptionReorg", sub.Id, r =>
                {
                    r.WriteStartObject();
                    _json.Felt(r, "starting_block_hash"u8, reorg.OldHashes[0]);
                    r.WriteNumber("starting_block_number"u8, reorg.FirstNumber);
                    _json.Felt(r, "ending_block_hash"u8, reorg.OldHashes[orphanedSeen]);
                    r.WriteNumber("ending_block_number"u8, reorg.FirstNumber + orphanedSeen);
                    r.WriteEndObject();
                }));
                sub.LastSent = reorg.FirstNumber - 1;
                for (var n = reorg.FirstNumber; n <= view.HeadNumber; n++)
                {
                    Send(sub, view.ByNumber(n)!, view);
                }
            }
        }
    }

    private void Send(Subscription sub, SimBlock block, ChainView view)
    {
        sub.LastSent = block.Number;
        if (sub.Events is not { } matcher)
        {
            sub.Connection.TrySend(w => JsonRpc.Notification(w, "starknet_subscriptionNewHeads", sub.Id, r =>
            {
                r.WriteStartObject();
                _json.HeaderMembers(r, view, block, pending: false, withStatus: false);
                r.WriteEndObject();
            }));
            return;
        }
        for (var i = 0; i < block.Events.Length; i++)
        {
            if (!matcher.Matches(block, block.Events[i]))
            {
                continue;
            }
            var index = i;
            sub.Connection.TrySend(w => JsonRpc.Notification(w, "starknet_subscriptionEvents", sub.Id,
                r => _json.EmittedEvent(r, block, block.Events[index], pending: false, finality: "ACCEPTED_ON_L2")));
        }
    }

    public void Dispose()
    {
        _chain.NewHead -= OnNewHead;
        _chain.Reorged -= OnReorg;
    }
}

/// <summary>JSON-RPC envelopes shared by the websocket answers and notifications.</summary>
public static class JsonRpc
{
    public static void Result(Utf8JsonWriter w, JsonElement? id, Action<Utf8JsonWriter> result)
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0"u8);
        WriteId(w, id);
        w.WritePropertyName("result"u8);
        result(w);
        w.WriteEndObject();
    }

    public static void Error(Utf8JsonWriter w, JsonElement? id, RpcError error)
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0"u8);
        WriteId(w, id);
        error.Write(w);
        w.WriteEndObject();
    }

    public static void Notification(Utf8JsonWriter w, string method, string subscriptionId, Action<Utf8JsonWriter> result)
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0"u8);
        w.WriteString("method"u8, method);
        w.WriteStartObject("params"u8);
        w.WritePropertyName("result"u8);
        result(w);
        w.WriteString("subscription_id"u8, subscriptionId);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteId(Utf8JsonWriter w, JsonElement? id)
    {
        w.WritePropertyName("id"u8);
        if (id is { } value)
        {
            value.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
