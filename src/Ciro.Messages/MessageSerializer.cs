using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ciro.Messages;

/// <summary>
/// The one place messages become JSON and back: camelCase, enums as camelCase strings, source-generated (the
/// indexer serialises once per committed batch). Reading is strict: a missing or null field is an error naming
/// the channel, never a silent zero. Writing refuses a payload PostgreSQL's NOTIFY would refuse.
/// </summary>
public static class MessageSerializer
{
    /// <summary>pg_notify: "the payload must be shorter than 8000 bytes" (UTF-8).</summary>
    public const int MaxPayloadBytes = 7999;

    /// <summary>Our options: the context's, with non-ASCII written as UTF-8 rather than \uXXXX (a label value of
    /// 80 non-ASCII characters would otherwise take 480 bytes of the NOTIFY limit). Safe: payloads never reach
    /// HTML unencoded.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>For options another host serialises messages with (SignalR's, server and client): our metadata for
    /// the messages, the options' own resolver (reflection when none was set) for every other type.</summary>
    public static void UseIn(JsonSerializerOptions options) =>
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(CiroMessagesJson.Default, options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver());

    public static string Serialize(CiroMessage message)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, Options.GetTypeInfo(message.GetType()));
        if (bytes.Length > MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"{message.GetType().Name} serialises to {bytes.Length} bytes; a NOTIFY payload takes at most {MaxPayloadBytes}.", nameof(message));
        }
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Reads a payload received on <paramref name="channel"/>.</summary>
    /// <exception cref="MessageFormatException">The payload is not a valid message of the channel's type.</exception>
    public static CiroMessage Deserialize(MessageChannel channel, string payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, Options.GetTypeInfo(channel.MessageType)) as CiroMessage
                ?? throw new MessageFormatException(channel, payload, "the payload is null");
        }
        catch (JsonException ex)
        {
            throw new MessageFormatException(channel, payload, ex.Message, ex);
        }
    }

    public static T Deserialize<T>(string payload) where T : CiroMessage =>
        (T)Deserialize(MessageChannels.All.Single(c => c.MessageType == typeof(T)), payload);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(CiroMessagesJson.Default.Options)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>A payload that is not a valid message of its channel's type.</summary>
public sealed class MessageFormatException(MessageChannel channel, string payload, string reason, Exception? inner = null)
    : Exception($"Unreadable {channel.MessageType.Name} on channel {channel.Postgres}/{channel.Redis}: {reason}. Payload: {Truncate(payload)}", inner)
{
    public MessageChannel Channel { get; } = channel;

    private static string Truncate(string payload) => payload.Length <= 200 ? payload : payload[..200] + "…";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(BlocksCommitted))]
[JsonSerializable(typeof(Reorg))]
[JsonSerializable(typeof(Resync))]
[JsonSerializable(typeof(IncidentChanged))]
[JsonSerializable(typeof(KpiInvalidated))]
internal sealed partial class CiroMessagesJson : JsonSerializerContext;
