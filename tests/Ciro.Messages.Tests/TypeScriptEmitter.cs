using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Xml.Linq;

namespace Ciro.Messages.Tests;

/// <summary>
/// Writes the dashboard's TypeScript for every message of <see cref="MessageChannels.All"/> from the serializer's
/// own metadata (JSON names and types exactly as <see cref="MessageSerializer"/> writes them) and the records' doc
/// comments: the types, the enum unions, and the hub method of each message.
/// </summary>
public static class TypeScriptEmitter
{
    public const string RelativePath = "src/Ciro.Web/ClientApp/src/types/messages.ts";

    public static string Emit()
    {
        var docs = XDocument.Load(Path.ChangeExtension(typeof(CiroMessage).Assembly.Location, ".xml"));
        var output = new StringBuilder();
        output.Append("""
            // Generated from src/Ciro.Messages by tests/Ciro.Messages.Tests (TypeScriptEmitter): do not edit.
            // After changing a message: CIRO_WRITE_MESSAGES_TS=1 dotnet test tests/Ciro.Messages.Tests, then fix what tsc finds.

            """);
        var enums = new List<Type>();
        foreach (var channel in MessageChannels.All)
        {
            var type = channel.MessageType;
            output.Append('\n').Append(Doc(Summary(docs, $"T:{type.FullName}"), ""));
            output.Append($"export type {type.Name} = {{\n");
            foreach (var property in MessageSerializer.Options.GetTypeInfo(type).Properties)
            {
                var member = (MemberInfo?)property.AttributeProvider ?? throw new InvalidOperationException($"{type.Name}.{property.Name} has no member");
                var param = docs.Descendants("member").Single(m => (string?)m.Attribute("name") == $"T:{type.FullName}")
                    .Elements("param").SingleOrDefault(p => (string?)p.Attribute("name") == member.Name)
                    ?? throw new InvalidOperationException($"{type.Name}.{member.Name} has no <param> doc: document every field, it becomes the dashboard's JSDoc.");
                output.Append(Doc(Text(param), "  "));
                output.Append($"  {property.Name}: {TypeOf(property, enums)};\n");
            }
            output.Append("};\n");
        }
        foreach (var type in enums.Distinct())
        {
            output.Append('\n').Append(Doc(Summary(docs, $"T:{type.FullName}"), ""));
            var values = Enum.GetValues(type).Cast<object>().Select(v => JsonSerializer.Serialize(v, type, MessageSerializer.Options).Replace('"', '\''));
            output.Append($"export type {type.Name} = {string.Join(" | ", values)};\n");
        }
        output.Append("\n/** The SignalR method on /hubs/activity that carries each message. */\n");
        output.Append("export const hubMethods = {\n");
        foreach (var channel in MessageChannels.All)
        {
            output.Append($"  {JsonNamingPolicy.CamelCase.ConvertName(channel.MessageType.Name)}: '{channel.HubMethod}',\n");
        }
        output.Append("} as const;\n");
        output.Append("\n/** The message each hub method carries. */\n");
        output.Append("export type HubMessages = {\n");
        foreach (var channel in MessageChannels.All)
        {
            output.Append($"  {channel.HubMethod}: {channel.MessageType.Name};\n");
        }
        output.Append("};\n");
        return output.ToString();
    }

    private static string TypeOf(JsonPropertyInfo property, List<Type> enums)
    {
        var type = property.PropertyType;
        var underlying = Nullable.GetUnderlyingType(type);
        var ts = TypeOf(underlying ?? type, enums, $"{property.DeclaringType.Name}.{property.Name}");
        return underlying is not null || (!type.IsValueType && property.IsGetNullable) ? ts + " | null" : ts;
    }

    private static string TypeOf(Type type, List<Type> enums, string where)
    {
        if (type.IsEnum)
        {
            enums.Add(type);
            return type.Name;
        }
        if (type == typeof(long) || type == typeof(int) || type == typeof(double))
        {
            return "number";
        }
        if (type == typeof(string) || type == typeof(Guid) || type == typeof(DateTimeOffset))
        {
            return "string";
        }
        if (type == typeof(bool))
        {
            return "boolean";
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && type.GetGenericArguments()[0] == typeof(string))
        {
            return $"Record<string, {TypeOf(type.GetGenericArguments()[1], enums, where)}>";
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return $"{TypeOf(type.GetGenericArguments()[0], enums, where)}[]";
        }
        throw new NotSupportedException($"{where}: no TypeScript mapping for {type}; add one to TypeScriptEmitter.");
    }

    private static string Summary(XDocument docs, string member) =>
        Text(docs.Descendants("member").SingleOrDefault(m => (string?)m.Attribute("name") == member)?.Element("summary")
            ?? throw new InvalidOperationException($"{member} has no <summary> doc."));

    /// <summary>The doc text on one line: tags dropped (their text kept), whitespace collapsed.</summary>
    private static string Text(XElement element) => string.Join(' ', element.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string Doc(string text, string indent) => $"{indent}/** {text} */\n";
}
