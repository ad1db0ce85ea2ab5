using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ciro.Messages;

/// <summary>Enum members as camelCase strings ("firing"), on the enum type itself so every serializer that meets
/// the type (ours, SignalR's) writes the same text the TypeScript union expects.</summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where TEnum : struct, Enum;
