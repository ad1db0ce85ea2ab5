using System.Text.Json;

namespace Ciro.ChainSimulator.Rpc;

/// <summary>A JSON-RPC error object; spec errors keep the spec's code and message, data says what was wrong.</summary>
public sealed record RpcError(int Code, string Message, string? Data = null)
{
    public static readonly RpcError ContractNotFound = new(20, "Contract not found");
    public static readonly RpcError EntrypointNotFound = new(21, "Requested entry point does not exist in the contract");
    public static readonly RpcError BlockNotFound = new(24, "Block not found");
    public static readonly RpcError ClassHashNotFound = new(28, "Class hash not found");
    public static readonly RpcError TxnHashNotFound = new(29, "Transaction hash not found");
    public static readonly RpcError PageSizeTooBig = new(31, "Requested page size is too big");
    public static readonly RpcError InvalidContinuationToken = new(33, "The supplied continuation token is invalid or unknown");
    public static readonly RpcError TooManyKeysInFilter = new(34, "Too many keys provided in a filter");

    public static RpcError ParseError(string detail) => new(-32700, "Parse error", detail);
    public static RpcError InvalidRequest(string detail) => new(-32600, "Invalid request", detail);
    public static RpcError MethodNotFound(string method) => new(-32601, "Method not found", method);
    public static RpcError InvalidParams(string detail) => new(-32602, "Invalid params", detail);
    public static RpcError ContractError(string detail) => new(40, "Contract error", detail);

    public RpcError WithData(string data) => this with { Data = data };

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject("error"u8);
        w.WriteNumber("code"u8, Code);
        w.WriteString("message"u8, Message);
        if (Data is not null)
        {
            if (Code == 40)
            {
                // CONTRACT_ERROR's data is an object {revert_error: ...}, a string revert error is allowed there.
                w.WriteStartObject("data"u8);
                w.WriteString("revert_error"u8, Data);
                w.WriteEndObject();
            }
            else
            {
                w.WriteString("data"u8, Data);
            }
        }
        w.WriteEndObject();
    }
}

/// <summary>What a method returns: an error, or a writer for the result value (resolved before any byte is sent,
/// so an error can never appear half-way through a result).</summary>
public readonly record struct RpcOutcome(RpcError? Error, Action<Utf8JsonWriter>? Result)
{
    public static implicit operator RpcOutcome(RpcError error) => new(error, null);
    public static RpcOutcome Ok(Action<Utf8JsonWriter> write) => new(null, write);
}

/// <summary>Reads named or positional parameters into the order the method declares.</summary>
public static class RpcParams
{
    public static bool TryBind(JsonElement? raw, string[] names, int required, out JsonElement?[] values, out RpcError? error)
    {
        values = new JsonElement?[names.Length];
        error = null;
        if (raw is { ValueKind: JsonValueKind.Array } array)
        {
            var length = array.GetArrayLength();
            if (length > names.Length)
            {
                error = RpcError.InvalidParams($"expected at most {names.Length} params ({string.Join(", ", names)}), got {length}");
                return false;
            }
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                values[i++] = item;
            }
        }
        else if (raw is { ValueKind: JsonValueKind.Object } obj)
        {
            foreach (var property in obj.EnumerateObject())
            {
                var index = Array.IndexOf(names, property.Name);
                if (index < 0)
                {
                    error = RpcError.InvalidParams($"unknown param '{property.Name}' (expected {string.Join(", ", names)})");
                    return false;
                }
                values[index] = property.Value;
            }
        }
        else if (raw is { } other && other.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            error = RpcError.InvalidParams($"params must be an array or an object, got {other.ValueKind}");
            return false;
        }
        for (var i = 0; i < required; i++)
        {
            if (values[i] is null or { ValueKind: JsonValueKind.Null })
            {
                error = RpcError.InvalidParams($"missing required param '{names[i]}'");
                return false;
            }
        }
        return true;
    }
}
