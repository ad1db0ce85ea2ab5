using System.Text.Json.Nodes;

namespace Ciro.Contracts.Tests;

/// <summary>
/// Our hand-written ABIs must have the exact shape the Cairo compiler emits. The same checks run
/// on the real compiler output kept in tests/TestData/starknet/abi, so the rules themselves are tested.
/// </summary>
public class AbiFormatTests
{
    private static readonly Dictionary<string, string[]> KeysByEntry = new(StringComparer.Ordinal)
    {
        ["impl"] = ["type", "name", "interface_name"],
        ["interface"] = ["type", "name", "items"],
        ["function"] = ["type", "name", "inputs", "outputs", "state_mutability"],
        ["constructor"] = ["type", "name", "inputs"],
        ["l1_handler"] = ["type", "name", "inputs", "outputs", "state_mutability"],
        ["struct"] = ["type", "name", "members"],
        ["enum"] = ["type", "name", "variants"],
        ["event/struct"] = ["type", "name", "kind", "members"],
        ["event/enum"] = ["type", "name", "kind", "variants"],
    };

    public static readonly TheoryData<string> AllAbis = new()
    {
        "contracts/abi/JobManager.abi.json",
        "contracts/abi/CDCPool.abi.json",
        "contracts/abi/MetricsRegistry.abi.json",
        "tests/TestData/starknet/abi/starknetid_identity_flat_components.abi.json",
        "tests/TestData/starknet/abi/layerakira_exchange_sepolia_nested_components.abi.json",
    };

    [Theory]
    [MemberData(nameof(AllAbis))]
    public void EntriesHaveCompilerShape(string file)
    {
        foreach (var entry in Load(file))
        {
            var type = AbiFile.Str(entry, "type");
            var shape = type == "event" ? $"event/{AbiFile.Str(entry, "kind")}" : type;
            Assert.True(KeysByEntry.TryGetValue(shape, out var keys), $"{file}: unknown entry shape '{shape}'");
            Assert.Equal(keys.Order(StringComparer.Ordinal), entry.Select(p => p.Key).Order(StringComparer.Ordinal));
            if (type == "interface")
            {
                foreach (var item in (JsonArray)entry["items"]!)
                {
                    Assert.Equal("function", AbiFile.Str(item!.AsObject(), "type"));
                    var mutability = AbiFile.Str(item.AsObject(), "state_mutability");
                    Assert.True(mutability is "view" or "external", $"{file}: bad state_mutability '{mutability}'");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllAbis))]
    public void EventMembersAreKeyOrDataAndVariantsNestedOrFlat(string file)
    {
        var events = Load(file).Where(e => AbiFile.Str(e, "type") == "event").ToList();
        var names = events.Select(e => AbiFile.Str(e, "name")).ToHashSet(StringComparer.Ordinal);
        var enums = events.Where(e => AbiFile.Str(e, "kind") == "enum").Select(e => AbiFile.Str(e, "name")).ToHashSet(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var isEnum = AbiFile.Str(e, "kind") == "enum";
            foreach (var m in (JsonArray)(isEnum ? e["variants"] : e["members"])!)
            {
                var kind = AbiFile.Str(m!.AsObject(), "kind");
                var type = AbiFile.Str(m.AsObject(), "type");
                if (!isEnum)
                {
                    Assert.True(kind is "key" or "data", $"{file}: member kind '{kind}' in {AbiFile.Str(e, "name")}");
                    continue;
                }

                Assert.True(kind is "nested" or "flat", $"{file}: variant kind '{kind}' in {AbiFile.Str(e, "name")}");
                Assert.True(names.Contains(type), $"{file}: variant type {type} has no event entry");
                // Only an enum can be flattened: a flat struct would have no selector of its own.
                Assert.True(kind == "nested" || enums.Contains(type), $"{file}: flat variant {type} is not an enum");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllAbis))]
    public void ContractEventEnumIsTheLastEntry(string file)
    {
        var entries = Load(file);
        var last = entries[^1];
        Assert.Equal("event", AbiFile.Str(last, "type"));
        Assert.Equal("enum", AbiFile.Str(last, "kind"));
        // The root: no other event lists it as a variant (component enums are always referenced).
        var name = AbiFile.Str(last, "name");
        var referenced = entries.Where(e => AbiFile.Str(e, "type") == "event" && e["variants"] is JsonArray)
            .SelectMany(e => (JsonArray)e["variants"]!).Select(v => AbiFile.Str(v!.AsObject(), "type"));
        Assert.DoesNotContain(name, referenced);
    }

    private static List<JsonObject> Load(string relative)
    {
        var path = Path.Combine(RepoPaths.RepoRoot, relative);
        Assert.True(File.Exists(path), $"missing {path}");
        return ((JsonArray)JsonNode.Parse(File.ReadAllText(path))!).Select(e => e!.AsObject()).ToList();
    }
}
