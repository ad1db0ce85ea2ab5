using System.Text.Json;

namespace Ciro.Starknet.Rpc;

/// <summary>Base of every failure of a Starknet RPC call; always names the JSON-RPC method.</summary>
public abstract class StarknetClientException(string method, string message, Exception? inner = null)
    : Exception($"{method}: {message}", inner)
{
    public string Method { get; } = method;
}

/// <summary>The node answered with a JSON-RPC <c>error</c> (usually inside HTTP 200). Semantic: never retried.</summary>
public class StarknetRpcException(string method, int code, string rpcMessage, JsonElement? data)
    : StarknetClientException(method, $"RPC error {code} {rpcMessage}{DataSuffix(data)}")
{
    public int Code { get; } = code;

    /// <summary><see cref="StarknetErrorCode.Unknown"/> for codes outside the spec.</summary>
    public StarknetErrorCode ErrorCode { get; } =
        Enum.IsDefined(typeof(StarknetErrorCode), code) ? (StarknetErrorCode)code : StarknetErrorCode.Unknown;

    public string RpcMessage { get; } = rpcMessage;

    /// <summary>The error's <c>data</c> member (e.g. CONTRACT_ERROR's revert_error), detached from the response.</summary>
    public new JsonElement? Data { get; } = data;

    /// <summary>Maps a code to its typed exception so callers can catch the cases they handle.</summary>
    public static StarknetRpcException Create(string method, int code, string message, JsonElement? data) =>
        (StarknetErrorCode)code switch
        {
            StarknetErrorCode.BlockNotFound => new BlockNotFoundException(method, message, data),
            StarknetErrorCode.TransactionHashNotFound => new TransactionHashNotFoundException(method, message, data),
            StarknetErrorCode.PageSizeTooBig => new PageSizeTooBigException(method, message, data),
            StarknetErrorCode.NoBlocks => new NoBlocksException(method, message, data),
            StarknetErrorCode.InvalidContinuationToken => new InvalidContinuationTokenException(method, message, data),
            StarknetErrorCode.TooManyKeysInFilter => new TooManyKeysInFilterException(method, message, data),
            StarknetErrorCode.ContractError => new ContractErrorException(method, message, data),
            _ => new StarknetRpcException(method, code, message, data),
        };

    private static string DataSuffix(JsonElement? data)
    {
        if (data is not { } d || d.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return "";
        }
        // Compact, because nodes pretty-print and the revert reason sits deep inside data.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            d.WriteTo(writer);
        }
        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        return " " + (text.Length <= 1000 ? text : text[..1000] + "…");
    }
}

public sealed class BlockNotFoundException(string method, string message, JsonElement? data)
    : StarknetRpcException(method, 24, message, data);

public sealed class TransactionHashNotFoundException(string method, string message, JsonElement? data)
    : StarknetRpcException(method, 29, message, data);

public sealed class PageSizeTooBigException(string method, string message, JsonElement? data)
    : StarknetRpcException(method, 31, message, data);

public sealed class NoBlocksException(string method, string message, JsonElement? data)
    : StarknetRpcException(method, 32, message, data);

public sealed class InvalidContinuationTokenException(string method, string message, JsonElement? data)
    : StarknetRpcException(method, 33, message, data);

public sealed class TooManyKeysInFilterException(string method, string message, JsonElement? data)
    : StarknetRpcException(method, 34, message, data);

/// <summary>40 CONTRACT_ERROR: the called contract reverted; <see cref="StarknetRpcException.Data"/> holds revert_error.</summary>
public sealed class ContractErrorException(string method, string message, JsonElement? data)
    : StarknetRpcException(method, 40, message, data);

/// <summary>The answer was not a valid JSON-RPC response: malformed or truncated JSON, a missing result, a
/// result of the wrong shape, or a non-retryable HTTP status. Never retried: the same bytes would come back.</summary>
public sealed class StarknetProtocolException(string method, string message, Exception? inner = null, string kind = "protocol")
    : StarknetClientException(method, message, inner)
{
    /// <summary>The <c>kind</c> tag of the ciro.rpc.errors count: "protocol", or "too_large" for a response over
    /// Starknet:Client:MaxResponseBytes / MaxWebSocketMessageBytes.</summary>
    public string Kind { get; } = kind;
}

/// <summary>A transient fault (timeout, 429, 5xx, connection reset) that outlived every retry.</summary>
public sealed class StarknetTransportException(string method, string message, int attempts, Exception? inner = null)
    : StarknetClientException(method, $"{message} (after {attempts} attempt(s))", inner)
{
    public int Attempts { get; } = attempts;
}
