using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ciro.Starknet.Abi;

/// <summary>Writes decoded values as JSON for storage (PostgreSQL JSONB) and APIs. Felts (addresses, hashes,
/// felt252) → "0x…" hex; u128/i128/u256 → decimal strings (JSON numbers lose precision past 2^53 in most readers);
/// u8–u64/i8–i64 → numbers; ByteArray → string; struct → object; array/tuple → array; Option None → null;
/// enum → "Variant" for unit variants, else {"Variant": payload}.</summary>
public static class CairoJson
{
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case Felt felt:
                writer.WriteStringValue(felt.ToString());
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case UInt128 u128:
                writer.WriteStringValue(u128.ToString(CultureInfo.InvariantCulture));
                break;
            case Int128 i128:
                writer.WriteStringValue(i128.ToString(CultureInfo.InvariantCulture));
                break;
            case U256 u256:
                writer.WriteStringValue(u256.ToString());
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case CairoEnumValue { Payload: null } unit:
                writer.WriteStringValue(unit.Variant);
                break;
            case CairoEnumValue e:
                writer.WriteStartObject();
                writer.WritePropertyName(e.Variant);
                WriteValue(writer, e.Payload);
                writer.WriteEndObject();
                break;
            case IReadOnlyDictionary<string, object?> fields:
                WriteObject(writer, fields);
                break;
            case IEnumerable<object?> items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"not a decoded Cairo value: {value.GetType().Name}", nameof(value));
        }
    }

    public static void WriteObject(Utf8JsonWriter writer, IReadOnlyDictionary<string, object?> fields)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in fields)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }
        writer.WriteEndObject();
    }

    /// <summary>The JSONB payload of an event: its fields when decoded, else {"keys": [...], "data": [...]}.</summary>
    public static void WriteEventPayload(Utf8JsonWriter writer, DecodedEvent decoded)
    {
        if (decoded.IsDecoded)
        {
            WriteObject(writer, decoded.Fields);
            return;
        }
        writer.WriteStartObject();
        writer.WritePropertyName("keys"u8);
        WriteValue(writer, decoded.Raw.Keys.Cast<object?>());
        writer.WritePropertyName("data"u8);
        WriteValue(writer, decoded.Raw.Data.Cast<object?>());
        writer.WriteEndObject();
    }

    public static string EventPayloadJson(DecodedEvent decoded) => Write(w => WriteEventPayload(w, decoded));

    public static string ToJson(object? value) => Write(w => WriteValue(w, value));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
