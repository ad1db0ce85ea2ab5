using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ciro.Starknet.Rpc.Json;

/// <summary>starknet_syncing answers either the literal <c>false</c> or a progress object.</summary>
public sealed class SyncStatusJsonConverter : JsonConverter<SyncStatus>
{
    public override SyncStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.False)
        {
            return SyncStatus.NotSyncing;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"syncing: expected false or an object, got {reader.TokenType}");
        }
        var status = new SyncStatus { IsSyncing = true };
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            status = name switch
            {
                "starting_block_hash" => status with { StartingBlockHash = ReadFelt(ref reader) },
                "starting_block_num" => status with { StartingBlockNum = reader.GetUInt64() },
                "current_block_hash" => status with { CurrentBlockHash = ReadFelt(ref reader) },
                "current_block_num" => status with { CurrentBlockNum = reader.GetUInt64() },
                "highest_block_hash" => status with { HighestBlockHash = ReadFelt(ref reader) },
                "highest_block_num" => status with { HighestBlockNum = reader.GetUInt64() },
                _ => Skip(ref reader, status),
            };
        }
        return status;
    }

    private static Felt ReadFelt(ref Utf8JsonReader reader) => Felt.Parse(reader.GetString()!);

    private static SyncStatus Skip(ref Utf8JsonReader reader, SyncStatus status)
    {
        reader.Skip();
        return status;
    }

    public override void Write(Utf8JsonWriter writer, SyncStatus value, JsonSerializerOptions options)
    {
        if (!value.IsSyncing)
        {
            writer.WriteBooleanValue(false);
            return;
        }
        writer.WriteStartObject();
        WriteFelt(writer, "starting_block_hash", value.StartingBlockHash);
        WriteNumber(writer, "starting_block_num", value.StartingBlockNum);
        WriteFelt(writer, "current_block_hash", value.CurrentBlockHash);
        WriteNumber(writer, "current_block_num", value.CurrentBlockNum);
        WriteFelt(writer, "highest_block_hash", value.HighestBlockHash);
        WriteNumber(writer, "highest_block_num", value.HighestBlockNum);
        writer.WriteEndObject();
    }

    private static void WriteFelt(Utf8JsonWriter writer, string name, Felt? value)
    {
        if (value is { } felt)
        {
            writer.WriteString(name, felt.ToString());
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, ulong? value)
    {
        if (value is { } n)
        {
            writer.WriteNumber(name, n);
        }
    }
}
