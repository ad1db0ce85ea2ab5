using System.Text.Json;

namespace Ciro.Starknet.Abi;

/// <summary>A contract ABI: Sierra (Cairo 1/2: events with kind struct/enum), early Cairo 1 (events with
/// "inputs", all data) or Cairo 0 (events with "keys"/"data", felt* arrays after a _len field). Load with
/// <see cref="Parse(string, string?)"/>. Types an ABI cannot resolve are reported in <see cref="Warnings"/>, not thrown, so one
/// exotic function does not stop its events from decoding.</summary>
public sealed class ContractAbi
{
    private ContractAbi(
        string? name,
        IReadOnlyDictionary<string, AbiEventDefinition> events,
        IReadOnlyList<EventLayout> layouts,
        IReadOnlyList<AbiFunction> functions,
        IReadOnlyList<string> warnings,
        CairoTypeResolver types)
    {
        Name = name;
        Events = events;
        EventLayouts = layouts;
        Functions = functions;
        Warnings = warnings;
        Types = types;
        FunctionsBySelector = functions.GroupBy(f => f.Selector).ToDictionary(g => g.Key, g => g.First());
    }

    /// <summary>A label for logs (e.g. "JobManager"); not part of the ABI.</summary>
    public string? Name { get; }

    public IReadOnlyDictionary<string, AbiEventDefinition> Events { get; }
    public IReadOnlyList<EventLayout> EventLayouts { get; }
    public IReadOnlyList<AbiFunction> Functions { get; }
    public IReadOnlyDictionary<Felt, AbiFunction> FunctionsBySelector { get; }
    public IReadOnlyList<string> Warnings { get; }
    public CairoTypeResolver Types { get; }

    /// <summary>Accepts the abi array, a Sierra class object whose "abi" is an array or a JSON string, or a
    /// {"abi": [...]} wrapper. Anything else, malformed JSON included, is an <see cref="AbiException"/>.</summary>
    public static ContractAbi Parse(string json, string? name = null)
    {
        JsonDocument document;
        try
        {
            // JsonDocument's default depth limit (64) bounds the recursion of everything that walks the tree.
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new AbiException($"ABI{(name is null ? "" : $" {name}")} is not valid JSON: {ex.Message}", ex);
        }
        using (document)
        {
            return Parse(document.RootElement, name);
        }
    }

    public static ContractAbi Load(string path, string? name = null) =>
        Parse(File.ReadAllText(path), name ?? Path.GetFileName(path));

    public static ContractAbi Parse(JsonElement root, string? name = null)
    {
        try
        {
            return ParseElement(root, name);
        }
        catch (InvalidOperationException ex)
        {
            // JsonElement's accessors throw this for a value of the wrong kind (an object where a list belongs).
            throw new AbiException($"ABI{(name is null ? "" : $" {name}")} has a value of the wrong JSON kind: {ex.Message}", ex);
        }
    }

    private static ContractAbi ParseElement(JsonElement root, string? name)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("abi", out var abi))
        {
            if (abi.ValueKind == JsonValueKind.String)
            {
                return Parse(abi.GetString()!, name);
            }
            root = abi;
        }
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new AbiException($"an ABI is a JSON array of entries, got {root.ValueKind}");
        }
        var entries = root.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).ToList();
        var structs = new Dictionary<string, IReadOnlyList<(string, string)>>(StringComparer.Ordinal);
        var enums = new Dictionary<string, IReadOnlyList<(string, string)>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            switch (Str(entry, "type"))
            {
                case "struct":
                    structs[Str(entry, "name")] = Pairs(entry, "members");
                    break;
                case "enum":
                    enums[Str(entry, "name")] = Pairs(entry, "variants");
                    break;
            }
        }
        var types = new CairoTypeResolver(structs, enums);
        var warnings = new List<string>();
        var events = new Dictionary<string, AbiEventDefinition>(StringComparer.Ordinal);
        var functions = new List<AbiFunction>();
        foreach (var entry in entries)
        {
            try
            {
                switch (Str(entry, "type"))
                {
                    case "event":
                        var definition = AbiEventReader.Read(entry, types);
                        events[definition.Name] = definition;
                        break;
                    case "function" or "l1_handler":
                        functions.Add(ReadFunction(entry, types));
                        break;
                    case "interface":
                        if (entry.TryGetProperty("items", out var items))
                        {
                            functions.AddRange(items.EnumerateArray()
                                .Where(i => Str(i, "type") is "function")
                                .Select(i => ReadFunction(i, types)));
                        }
                        break;
                }
            }
            catch (AbiException ex)
            {
                warnings.Add($"{Str(entry, "type")} {Str(entry, "name")}: {ex.Message}");
            }
        }
        var layouts = EventLayoutBuilder.Build(events, warnings);
        return new ContractAbi(name, events, layouts, functions, warnings, types);
    }

    private static AbiFunction ReadFunction(JsonElement entry, CairoTypeResolver types)
    {
        var name = Str(entry, "name");
        var inputs = AbiEventReader.MergeCairo0Arrays(Pairs(entry, "inputs"))
            .Select(p => new CairoMember(p.Name, types.Resolve(p.Type))).ToList();
        var outputs = entry.TryGetProperty("outputs", out var o)
            ? o.EnumerateArray().Select(x => types.Resolve(Str(x, "type"))).ToList()
            : [];
        var mutability = entry.TryGetProperty("state_mutability", out var m) ? m.GetString()
            : entry.TryGetProperty("stateMutability", out var m0) ? m0.GetString() : null;
        return new AbiFunction(name, Selector.FromName(name), inputs, outputs, mutability, Str(entry, "type") == "l1_handler");
    }

    internal static string Str(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    internal static IReadOnlyList<(string Name, string Type)> Pairs(JsonElement element, string property) =>
        element.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(m => (Str(m, "name"), Str(m, "type"))).ToList()
            : [];
}
