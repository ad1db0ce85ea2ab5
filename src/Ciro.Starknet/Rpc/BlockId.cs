using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ciro.Starknet.Rpc;

/// <summary>Which block a request is about: a number, a hash, or one of the spec's tags.
/// On the wire: <c>{"block_number":n}</c>, <c>{"block_hash":"0x…"}</c> or the tag string.</summary>
[JsonConverter(typeof(BlockIdJsonConverter))]
public readonly record struct BlockId
{
    private BlockId(BlockIdKind kind, ulong number, Felt hash)
    {
        Kind = kind;
        BlockNumber = number;
        BlockHash = hash;
    }

    public BlockIdKind Kind { get; }

    /// <summary>Set only when <see cref="Kind"/> is <see cref="BlockIdKind.Number"/>.</summary>
    public ulong BlockNumber { get; }

    /// <summary>Set only when <see cref="Kind"/> is <see cref="BlockIdKind.Hash"/>.</summary>
    public Felt BlockHash { get; }

    public static BlockId Number(ulong number) => new(BlockIdKind.Number, number, default);
    public static BlockId Hash(Felt hash) => new(BlockIdKind.Hash, 0, hash);
    public static BlockId Latest { get; } = new(BlockIdKind.Latest, 0, default);
    public static BlockId L1Accepted { get; } = new(BlockIdKind.L1Accepted, 0, default);
    public static BlockId PreConfirmed { get; } = new(BlockIdKind.PreConfirmed, 0, default);

    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case BlockIdKind.Number:
                writer.WriteStartObject();
                writer.WriteNumber("block_number", BlockNumber);
                writer.WriteEndObject();
                break;
            case BlockIdKind.Hash:
                writer.WriteStartObject();
                writer.WriteString("block_hash", BlockHash.ToString());
                writer.WriteEndObject();
                break;
            default:
                writer.WriteStringValue(TagName(Kind));
                break;
        }
    }

    public override string ToString() => Kind switch
    {
        BlockIdKind.Number => BlockNumber.ToString(CultureInfo.InvariantCulture),
        BlockIdKind.Hash => BlockHash.ToString(),
        _ => TagName(Kind),
    };

    internal static string TagName(BlockIdKind kind) => kind switch
    {
        BlockIdKind.Latest => "latest",
        BlockIdKind.L1Accepted => "l1_accepted",
        BlockIdKind.PreConfirmed => "pre_confirmed",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a tag"),
    };
}

public enum BlockIdKind
{
    Number,
    Hash,
    Latest,
    L1Accepted,
    PreConfirmed,
}

public sealed class BlockIdJsonConverter : JsonConverter<BlockId>
{
    public override BlockId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString() switch
            {
                "latest" => BlockId.Latest,
                "l1_accepted" => BlockId.L1Accepted,
                // "pending" is the pre-v0.9 name of the same idea.
                "pre_confirmed" or "pending" => BlockId.PreConfirmed,
                var other => throw new JsonException($"unknown block tag '{other}'"),
            };
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected a block id, got {reader.TokenType}");
        }
        BlockId? result = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            result = name switch
            {
                "block_number" => BlockId.Number(reader.GetUInt64()),
                "block_hash" => BlockId.Hash(Felt.Parse(reader.GetString()!)),
                _ => throw new JsonException($"unknown block id member '{name}'"),
            };
        }
        return result ?? throw new JsonException("empty block id object");
    }

    public override void Write(Utf8JsonWriter writer, BlockId value, JsonSerializerOptions options) => value.WriteTo(writer);
}
