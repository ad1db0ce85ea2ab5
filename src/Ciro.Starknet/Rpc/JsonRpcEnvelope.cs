using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Ciro.Starknet.Rpc;

/// <summary>Reads JSON-RPC 2.0 response envelopes straight from the response bytes with Utf8JsonReader: the
/// result is deserialised in place (no intermediate DOM), members may come in any order, and a missing result,
/// an error member or malformed/truncated JSON always surfaces as an exception naming the method.</summary>
internal static class JsonRpcEnvelope
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    public static T ParseSingle<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo, string method)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        try
        {
            Read(ref reader, method);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new StarknetProtocolException(method, $"expected a JSON-RPC response object, got {reader.TokenType}");
            }
            var outcome = ReadResponseObject(ref reader, typeInfo, method);
            EnsureEnd(ref reader, method);
            return outcome.GetOrThrow(method);
        }
        catch (JsonException ex)
        {
            throw Malformed(method, ex, json.Length);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentOutOfRangeException or InvalidOperationException)
        {
            throw new StarknetProtocolException(method, $"result does not fit the expected shape: {ex.Message}", ex);
        }
    }

    /// <summary>Parses a batch answer. Returns null when the node answered with one object instead of an array,
    /// which is how nodes that do not support batches reject them.</summary>
    private static bool IsErrorEnvelope(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object;
    }

    public static Dictionary<long, Outcome<T>>? ParseBatch<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo, string method)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        try
        {
            Read(ref reader, method);
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                // A node without batch support answers with one error object. Anything else in a single object
                // (a broken or truncated body, a stray result) is a protocol fault of this answer, not proof
                // that the node cannot batch: marking it so would slow every later backfill to one call a block.
                return IsErrorEnvelope(json) ? null : throw new StarknetProtocolException(method, "batch answered with a single object that is not a JSON-RPC error");
            }
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new StarknetProtocolException(method, $"expected a JSON-RPC batch array, got {reader.TokenType}");
            }
            var results = new Dictionary<long, Outcome<T>>();
            while (true)
            {
                Read(ref reader, method);
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new StarknetProtocolException(method, $"batch element is {reader.TokenType}, not an object");
                }
                var outcome = ReadResponseObject(ref reader, typeInfo, method);
                if (outcome.Id is not { } id)
                {
                    throw new StarknetProtocolException(method, "batch element without a numeric id");
                }
                results[id] = outcome;
            }
            EnsureEnd(ref reader, method);
            return results;
        }
        catch (JsonException ex)
        {
            throw Malformed(method, ex, json.Length);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentOutOfRangeException or InvalidOperationException)
        {
            throw new StarknetProtocolException(method, $"result does not fit the expected shape: {ex.Message}", ex);
        }
    }

    /// <summary>Tries to read a JSON-RPC error from a body that came with a non-2xx status.</summary>
    public static StarknetRpcException? TryReadError(ReadOnlySpan<byte> json, string method)
    {
        try
        {
            var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(ReaderOptions));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            var outcome = ReadResponseObject(ref reader, StarknetJsonContextHolder.Felt, method);
            return outcome.Error;
        }
        catch (Exception ex) when (ex is JsonException or StarknetClientException or FormatException)
        {
            return null;
        }
    }

    private static Outcome<T> ReadResponseObject<T>(ref Utf8JsonReader reader, JsonTypeInfo<T> typeInfo, string method)
    {
        var outcome = new Outcome<T>();
        while (true)
        {
            Read(ref reader, method);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return outcome;
            }
            var isResult = reader.ValueTextEquals("result"u8);
            var isError = !isResult && reader.ValueTextEquals("error"u8);
            var isId = !isResult && !isError && reader.ValueTextEquals("id"u8);
            Read(ref reader, method);
            if (isResult)
            {
                outcome.HasResult = true;
                outcome.ResultWasNull = reader.TokenType == JsonTokenType.Null;
                outcome.Value = outcome.ResultWasNull ? default : JsonSerializer.Deserialize(ref reader, typeInfo);
            }
            else if (isError)
            {
                outcome.Error = ReadError(ref reader, method);
            }
            else if (isId)
            {
                outcome.Id = ReadId(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static StarknetRpcException? ReadError(ref Utf8JsonReader reader, string method)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new StarknetProtocolException(method, $"error member is {reader.TokenType}, not an object");
        }
        int? code = null;
        var message = "";
        JsonElement? data = null;
        while (true)
        {
            Read(ref reader, method);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }
            var name = reader.GetString();
            Read(ref reader, method);
            switch (name)
            {
                case "code" when reader.TokenType == JsonTokenType.Number: code = reader.GetInt32(); break;
                case "message" when reader.TokenType == JsonTokenType.String: message = reader.GetString()!; break;
                case "data": data = JsonElement.ParseValue(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        return code is { } c
            ? StarknetRpcException.Create(method, c, message, data)
            : throw new StarknetProtocolException(method, $"error member without an integer code (message '{message}')");
    }

    /// <summary>We send numeric ids; a proxy that turns them into strings still maps back.</summary>
    private static long? ReadId(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt64(out var n) => n,
        JsonTokenType.String when long.TryParse(reader.GetString(), out var n) => n,
        _ => null,
    };

    private static void Read(ref Utf8JsonReader reader, string method)
    {
        if (!reader.Read())
        {
            throw new StarknetProtocolException(method, "response ended early (truncated JSON)");
        }
    }

    private static void EnsureEnd(ref Utf8JsonReader reader, string method)
    {
        if (reader.Read())
        {
            throw new StarknetProtocolException(method, $"unexpected {reader.TokenType} after the response");
        }
    }

    /// <summary>Names the field (the reader's JSON path, e.g. <c>$.transactions[3].receipt.actual_fee.amount</c>, or
    /// <c>$[1]…</c> inside a batch) so the operator sees where the node's answer went wrong.</summary>
    private static StarknetProtocolException Malformed(string method, JsonException ex, int length) =>
        new(method, ex.Path is { Length: > 0 } path && !ex.Message.Contains(path, StringComparison.Ordinal)
            ? $"malformed JSON in a {length}-byte response at {path}: {ex.Message}"
            : $"malformed JSON in a {length}-byte response: {ex.Message}", ex);

    internal sealed class Outcome<T>
    {
        public long? Id { get; set; }
        public bool HasResult { get; set; }
        public bool ResultWasNull { get; set; }
        public T? Value { get; set; }
        public StarknetRpcException? Error { get; set; }

        public T GetOrThrow(string method)
        {
            if (Error is not null)
            {
                throw Error;
            }
            if (!HasResult)
            {
                throw new StarknetProtocolException(method, "response has neither result nor error");
            }
            if (ResultWasNull || Value is null)
            {
                throw new StarknetProtocolException(method, "result is null");
            }
            return Value;
        }
    }
}

/// <summary>Type infos used outside the generic paths.</summary>
internal static class StarknetJsonContextHolder
{
    public static JsonTypeInfo<Felt> Felt => Json.StarknetJsonContext.Default.Felt;
}
