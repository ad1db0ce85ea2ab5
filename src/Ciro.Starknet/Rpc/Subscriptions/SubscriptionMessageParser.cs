using System.Text.Json;
using Ciro.Starknet.Rpc.Json;

namespace Ciro.Starknet.Rpc.Subscriptions;

/// <summary>Parses one websocket text frame: either a notification (has "method") or the answer to one of our
/// requests (has "id"). Uses JsonDocument: frames are small and their member order is not guaranteed.</summary>
internal static class SubscriptionMessageParser
{
    public static SubscriptionNotification ParseNotification(string method, JsonElement parameters)
    {
        var id = SubscriptionId(parameters.GetProperty("subscription_id"));
        var result = parameters.GetProperty("result");
        var context = StarknetJsonContext.Default;
        return method switch
        {
            "starknet_subscriptionNewHeads" => new NewHeadNotification(id, result.Deserialize(context.BlockHeader)!),
            "starknet_subscriptionEvents" => new EventNotification(id, result.Deserialize(context.EmittedEvent)!),
            "starknet_subscriptionReorg" => new ReorgNotification(id, result.Deserialize(context.ReorgData)!),
            "starknet_subscriptionTransactionStatus" => new TransactionStatusNotification(id,
                result.GetProperty("transaction_hash").Deserialize(context.Felt),
                result.GetProperty("status").Deserialize(context.TransactionStatus)!),
            "starknet_subscriptionNewTransaction" => new NewTransactionNotification(id,
                result.Deserialize(context.Transaction)!,
                result.TryGetProperty("finality_status", out var finality) ? finality.GetString() : null),
            "starknet_subscriptionNewTransactionReceipts" => new NewTransactionReceiptNotification(id,
                result.Deserialize(context.TransactionReceipt)!),
            _ => new UnknownNotification(id, method, parameters.GetRawText()),
        };
    }

    /// <summary>Reads a frame; exactly one of the outputs is set.</summary>
    public static void Parse(ReadOnlySpan<byte> frame, out SubscriptionNotification? notification, out (long Id, JsonElement? Result, StarknetRpcException? Error)? reply)
    {
        notification = null;
        reply = null;
        using var document = JsonDocument.Parse(frame.ToArray());
        var root = document.RootElement;
        if (root.TryGetProperty("method", out var method))
        {
            var name = method.GetString() ?? "";
            try
            {
                notification = ParseNotification(name, root.GetProperty("params"));
            }
            catch (Exception ex) when (ex is KeyNotFoundException or JsonException or InvalidOperationException or FormatException)
            {
                throw new StarknetProtocolException(name, $"malformed notification: {ex.Message}", ex);
            }
            return;
        }
        if (!root.TryGetProperty("id", out var idElement) || !idElement.TryGetInt64(out var id))
        {
            throw new StarknetProtocolException("websocket", "frame is neither a notification nor a reply with a numeric id");
        }
        StarknetRpcException? error = null;
        if (root.TryGetProperty("error", out var errorElement) && errorElement.ValueKind == JsonValueKind.Object)
        {
            error = StarknetRpcException.Create("websocket",
                errorElement.TryGetProperty("code", out var code) && code.TryGetInt32(out var c) ? c : 0,
                errorElement.TryGetProperty("message", out var message) ? message.GetString() ?? "" : "",
                errorElement.TryGetProperty("data", out var data) ? data.Clone() : null);
        }
        reply = (id, root.TryGetProperty("result", out var result) ? result.Clone() : null, error);
    }

    public static string SubscriptionId(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Number => element.GetRawText(),
        _ => throw new JsonException($"subscription_id is {element.ValueKind}"),
    };
}
