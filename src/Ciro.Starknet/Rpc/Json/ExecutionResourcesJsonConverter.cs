using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ciro.Starknet.Rpc.Json;

/// <summary>Reads both execution_resources shapes (see <see cref="ExecutionResources"/>). In the v0.7 shape the L1
/// amounts sit under data_availability; when a node sends both, the top-level v0.8 fields win.</summary>
public sealed class ExecutionResourcesJsonConverter : JsonConverter<ExecutionResources>
{
    private const string BuiltinSuffix = "_builtin_applications";

    public override ExecutionResources Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"execution_resources: expected an object, got {reader.TokenType}");
        }
        ulong? l1Gas = null, l1DataGas = null, l2Gas = null, daL1Gas = null, daL1DataGas = null, steps = null, holes = null;
        Dictionary<string, ulong>? builtins = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "l1_gas": l1Gas = ReadUInt(ref reader, name); break;
                case "l1_data_gas": l1DataGas = ReadUInt(ref reader, name); break;
                case "l2_gas": l2Gas = ReadUInt(ref reader, name); break;
                case "steps": steps = ReadUInt(ref reader, name); break;
                case "memory_holes": holes = ReadUInt(ref reader, name); break;
                case "data_availability":
                    ReadDataAvailability(ref reader, out daL1Gas, out daL1DataGas);
                    break;
                default:
                    if (name.EndsWith(BuiltinSuffix, StringComparison.Ordinal) && reader.TokenType == JsonTokenType.Number)
                    {
                        builtins ??= new Dictionary<string, ulong>(StringComparer.Ordinal);
                        builtins[name[..^BuiltinSuffix.Length]] = reader.GetUInt64();
                    }
                    else
                    {
                        reader.Skip();
                    }
                    break;
            }
        }
        var legacy = l2Gas is null && (steps is not null || daL1Gas is not null || daL1DataGas is not null);
        return new ExecutionResources
        {
            L1Gas = l1Gas ?? daL1Gas ?? 0,
            L1DataGas = l1DataGas ?? daL1DataGas ?? 0,
            L2Gas = l2Gas ?? 0,
            Steps = steps,
            MemoryHoles = holes,
            Builtins = builtins,
            IsLegacyShape = legacy,
        };
    }

    private static void ReadDataAvailability(ref Utf8JsonReader reader, out ulong? l1Gas, out ulong? l1DataGas)
    {
        l1Gas = null;
        l1DataGas = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"data_availability: expected an object, got {reader.TokenType}");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "l1_gas")
            {
                l1Gas = ReadUInt(ref reader, name);
            }
            else if (name == "l1_data_gas")
            {
                l1DataGas = ReadUInt(ref reader, name);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>The spec says integer, but some nodes have sent hex strings for resource counts.</summary>
    private static ulong ReadUInt(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.GetUInt64(),
        JsonTokenType.String => Felt.Parse(reader.GetString()!).ToUInt64(),
        _ => throw new JsonException($"execution_resources.{name}: expected an integer, got {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, ExecutionResources value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("l1_gas", value.L1Gas);
        writer.WriteNumber("l1_data_gas", value.L1DataGas);
        writer.WriteNumber("l2_gas", value.L2Gas);
        writer.WriteEndObject();
    }
}
