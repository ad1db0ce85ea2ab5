using System.Net.WebSockets;
using System.Text.Json;
using Ciro.ChainSimulator.Chain;
using Ciro.ChainSimulator.Rpc;

namespace Ciro.ChainSimulator.Services;

/// <summary>
/// JSON-RPC over a websocket at /ws: the subscription methods of starknet_ws_api.json (subscribeNewHeads,
/// subscribeEvents, unsubscribe) and every HTTP method as well, as nodes serve them.
/// </summary>
public static class WebSocketEndpoint
{
    private static readonly RpcError InvalidSubscriptionId = new(66, "Invalid subscription id");
    private static readonly RpcError TooManyBlocksBack = new(68, "Cannot go back more than 1024 blocks");

    public static IEndpointRouteBuilder MapStarknetWebSocket(this IEndpointRouteBuilder app)
    {
        app.Map("/ws", HandleAsync).WithName("StarknetWebSocket").ExcludeFromDescription();
        return app;
    }

    public sealed class WsServices(SubscriptionHub hub, StarknetMethods methods, ChainStore chain, FeltTable felts, SimulatorOptions options)
    {
        public SubscriptionHub Hub => hub;
        public StarknetMethods Methods => methods;
        public ChainStore Chain => chain;
        public FeltTable Felts => felts;
        public SimulatorOptions Options => options;
    }

    private static async Task HandleAsync(HttpContext context, [AsParameters] WsServices s, IHostApplicationLifetime lifetime)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("expected a websocket upgrade");
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new WebSocketConnection(socket);
        // A websocket request lasts until the client leaves, and Kestrel waits for open requests on shutdown (30 s,
        // measured): longer than Aspire's stop command waits for the process (~20 s), so the dashboard's "Restart"
        // of the chain failed with "Failed to stop resource". Stopping aborts the socket; clients reconnect.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var sender = connection.SendLoopAsync(cancel.Token);
        try
        {
            while (await connection.ReceiveAsync(cancel.Token) is { } message)
            {
                Handle(message, connection, s);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away; its subscriptions go with it below.
        }
        finally
        {
            s.Hub.Drop(connection);
            connection.Complete();
            await cancel.CancelAsync();
            try
            {
                await sender;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
        if (socket.State == WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
    }

    private static void Handle(byte[] message, WebSocketConnection connection, WsServices s)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message);
        }
        catch (JsonException)
        {
            connection.TrySend(w => JsonRpc.Error(w, null, RpcError.ParseError("message is not valid JSON")));
            return;
        }
        using (document)
        {
            var request = document.RootElement;
            JsonElement? id = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("id", out var i) ? i : null;
            if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("method", out var m) || m.ValueKind != JsonValueKind.String)
            {
                connection.TrySend(w => JsonRpc.Error(w, id, RpcError.InvalidRequest("expected a JSON-RPC request object with a method")));
                return;
            }
            JsonElement? parameters = request.TryGetProperty("params", out var p) ? p : null;
            var error = m.GetString() switch
            {
                "starknet_subscribeNewHeads" => SubscribeNewHeads(connection, id, parameters, s),
                "starknet_subscribeEvents" => SubscribeEvents(connection, id, parameters, s),
                "starknet_unsubscribe" => Unsubscribe(connection, id, parameters, s),
                var other => Invoke(connection, id, other!, parameters, s),
            };
            if (error is not null)
            {
                connection.TrySend(w => JsonRpc.Error(w, id, error));
            }
        }
    }

    private static RpcError? SubscribeNewHeads(WebSocketConnection connection, JsonElement? id, JsonElement? parameters, WsServices s)
    {
        if (!RpcParams.TryBind(parameters, ["block_id"], 0, out var args, out var error) || !TryStart(args[0], s, out var from, out error))
        {
            return error;
        }
        s.Hub.Subscribe(connection, id, events: null, from);
        return null;
    }

    private static RpcError? SubscribeEvents(WebSocketConnection connection, JsonElement? id, JsonElement? parameters, WsServices s)
    {
        if (!RpcParams.TryBind(parameters, ["from_address", "keys", "block_id", "finality_status"], 0, out var args, out var error)
            || !EventFilter.TryParse(args[0], args[1], s.Options.MaxFilterKeys, out var filter, out error)
            || !TryStart(args[2], s, out var from, out error))
        {
            return error;
        }
        if (args[3] is { ValueKind: JsonValueKind.String } finality && finality.GetString() is not ("ACCEPTED_ON_L2" or "PRE_CONFIRMED"))
        {
            return RpcError.InvalidParams($"finality_status must be ACCEPTED_ON_L2 or PRE_CONFIRMED, got {finality.GetRawText()}");
        }
        // PRE_CONFIRMED is accepted but answered as ACCEPTED_ON_L2: events are sent once, when their block seals.
        s.Hub.Subscribe(connection, id, filter.Compile(s.Felts, intern: true), from);
        return null;
    }

    private static RpcError? Unsubscribe(WebSocketConnection connection, JsonElement? id, JsonElement? parameters, WsServices s)
    {
        if (!RpcParams.TryBind(parameters, ["subscription_id"], 1, out var args, out var error))
        {
            return error;
        }
        var subscription = args[0]!.Value;
        var key = subscription.ValueKind == JsonValueKind.String ? subscription.GetString()! : subscription.GetRawText();
        if (!s.Hub.Unsubscribe(connection, key))
        {
            return InvalidSubscriptionId;
        }
        connection.TrySend(w => JsonRpc.Result(w, id, r => r.WriteBooleanValue(true)));
        return null;
    }

    private static RpcError? Invoke(WebSocketConnection connection, JsonElement? id, string method, JsonElement? parameters, WsServices s)
    {
        var outcome = s.Methods.Invoke(method, parameters);
        if (outcome.Error is { } error)
        {
            return error;
        }
        connection.TrySend(w => JsonRpc.Result(w, id, outcome.Result!));
        return null;
    }

    /// <summary>SUBSCRIPTION_BLOCK_ID: a number, a hash or "latest" (the default), at most 1024 blocks back.</summary>
    private static bool TryStart(JsonElement? blockId, WsServices s, out long from, out RpcError? error)
    {
        var view = s.Chain.View;
        from = view.HeadNumber;
        error = null;
        if (blockId is not { } id || id.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (id.ValueKind == JsonValueKind.String && id.GetString() is "pre_confirmed" or "l1_accepted")
        {
            error = RpcError.InvalidParams($"subscriptions start at a number, a hash or \"latest\", got {id.GetRawText()}");
            return false;
        }
        if (!BlockIds.TryResolve(id, view, s.Chain, out var block, out error))
        {
            return false;
        }
        if (view.HeadNumber - block.Block.Number > SubscriptionHub.MaxBlocksBack)
        {
            error = TooManyBlocksBack;
            return false;
        }
        from = block.Block.Number;
        return true;
    }
}
