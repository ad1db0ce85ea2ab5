using System.Buffers;
using System.Text.Json;

namespace Ciro.Starknet.Rpc;

/// <summary>Writes JSON-RPC request bodies with Utf8JsonWriter (named params, as the spec names them).</summary>
internal static class RequestWriter
{
    public static byte[] Single(long id, string method, Action<Utf8JsonWriter>? writeParams)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteRequest(writer, id, method, writeParams);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Batch(IReadOnlyList<(long Id, Action<Utf8JsonWriter>? Params)> calls, string method)
    {
        var buffer = new ArrayBufferWriter<byte>(128 * calls.Count + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var (id, writeParams) in calls)
            {
                WriteRequest(writer, id, method, writeParams);
            }
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteRequest(Utf8JsonWriter writer, long id, string method, Action<Utf8JsonWriter>? writeParams)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WriteNumber("id"u8, id);
        writer.WriteString("method"u8, method);
        writer.WritePropertyName("params"u8);
        if (writeParams is null)
        {
            writer.WriteStartArray();
            writer.WriteEndArray();
        }
        else
        {
            writer.WriteStartObject();
            writeParams(writer);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    public static void BlockIdParam(Utf8JsonWriter writer, BlockId blockId)
    {
        writer.WritePropertyName("block_id"u8);
        blockId.WriteTo(writer);
    }

    public static void FeltArray(Utf8JsonWriter writer, IEnumerable<Felt> felts)
    {
        writer.WriteStartArray();
        foreach (var felt in felts)
        {
            writer.WriteStringValue(felt.ToString());
        }
        writer.WriteEndArray();
    }

    public static void EventFilterParam(Utf8JsonWriter writer, EventFilter filter, int chunkSize, string? continuationToken)
    {
        writer.WritePropertyName("filter"u8);
        writer.WriteStartObject();
        var from = filter.FromBlockId ?? (filter.FromBlock is { } f ? BlockId.Number(f) : null);
        var to = filter.ToBlockId ?? (filter.ToBlock is { } t ? BlockId.Number(t) : null);
        if (from is { } fromId)
        {
            writer.WritePropertyName("from_block"u8);
            fromId.WriteTo(writer);
        }
        if (to is { } toId)
        {
            writer.WritePropertyName("to_block"u8);
            toId.WriteTo(writer);
        }
        if (filter.Addresses is { Count: > 0 } addresses)
        {
            // A single address is sent as a plain felt: nodes before v0.10.1 reject a list.
            if (addresses.Count == 1)
            {
                writer.WriteString("address"u8, addresses[0].ToString());
            }
            else
            {
                writer.WritePropertyName("address"u8);
                FeltArray(writer, addresses);
            }
        }
        if (filter.Keys is { Count: > 0 } keys)
        {
            writer.WritePropertyName("keys"u8);
            writer.WriteStartArray();
            foreach (var position in keys)
            {
                FeltArray(writer, position);
            }
            writer.WriteEndArray();
        }
        writer.WriteNumber("chunk_size"u8, chunkSize);
        if (continuationToken is not null)
        {
            writer.WriteString("continuation_token"u8, continuationToken);
        }
        writer.WriteEndObject();
    }
}
