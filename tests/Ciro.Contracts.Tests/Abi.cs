using System.Text.Json.Nodes;

namespace Ciro.Contracts.Tests;

/// <summary>A member of a struct event (kind key/data) or a variant of an enum event (kind nested/flat).</summary>
public sealed record AbiField(string Name, string Type, string Kind)
{
    public override string ToString() => $"{Name}: {Type} ({Kind})";
}

public sealed record AbiEvent(string Name, string Kind, IReadOnlyList<AbiField> Fields)
{
    public override string ToString() => $"{Kind} {Name} [{string.Join(", ", Fields)}]";
}

public sealed record AbiFunction(string Name, IReadOnlyList<(string Name, string Type)> Inputs, IReadOnlyList<string> Outputs, string Mutability)
{
    public override string ToString() =>
        $"{Name}({string.Join(", ", Inputs.Select(i => $"{i.Name}: {i.Type}"))}) -> [{string.Join(", ", Outputs)}] {Mutability}";
}

/// <summary>One contracts/abi/*.abi.json file: the `abi` array of a Sierra class.</summary>
public sealed class AbiFile
{
    private AbiFile(string contract, JsonArray entries)
    {
        Contract = contract;
        Entries = entries.Select(e => e!.AsObject()).ToList();
    }

    public string Contract { get; }
    public IReadOnlyList<JsonObject> Entries { get; }

    public static AbiFile Load(string contract)
    {
        var path = Path.Combine(RepoPaths.AbiDir, contract + ".abi.json");
        Assert.True(File.Exists(path), $"ABI file missing: {path}");
        var node = JsonNode.Parse(File.ReadAllText(path)) as JsonArray;
        Assert.True(node is not null, $"{path} must be a JSON array (the Sierra `abi` array)");
        return new AbiFile(contract, node);
    }

    public IEnumerable<JsonObject> OfType(string type) => Entries.Where(e => Str(e, "type") == type);

    public IReadOnlyList<AbiEvent> Events() => OfType("event").Select(e =>
    {
        var kind = Str(e, "kind");
        var list = (kind == "enum" ? e["variants"] : e["members"]) as JsonArray ?? [];
        return new AbiEvent(Str(e, "name"), kind, list.Select(m => new AbiField(
            Str(m!.AsObject(), "name"), Str(m.AsObject(), "type"), Str(m.AsObject(), "kind"))).ToList());
    }).ToList();

    public AbiEvent Event(string name) =>
        Events().SingleOrDefault(e => e.Name == name) ?? throw new Xunit.Sdk.XunitException($"{Contract}.abi.json has no event '{name}'");

    public IReadOnlyList<(string Name, string Interface)> Impls() =>
        OfType("impl").Select(e => (Str(e, "name"), Str(e, "interface_name"))).ToList();

    public IReadOnlyList<AbiFunction> InterfaceItems(string interfaceName)
    {
        var iface = OfType("interface").SingleOrDefault(e => Str(e, "name") == interfaceName)
            ?? throw new Xunit.Sdk.XunitException($"{Contract}.abi.json has no interface '{interfaceName}'");
        return (iface["items"] as JsonArray ?? []).Select(i => Function(i!.AsObject())).ToList();
    }

    public IReadOnlyList<(string Name, string Type)> StructMembers(string name)
    {
        var s = OfType("struct").SingleOrDefault(e => Str(e, "name") == name)
            ?? throw new Xunit.Sdk.XunitException($"{Contract}.abi.json has no struct '{name}'");
        return (s["members"] as JsonArray ?? []).Select(m => (Str(m!.AsObject(), "name"), Str(m.AsObject(), "type"))).ToList();
    }

    public IReadOnlyList<(string Name, string Type)> ConstructorInputs() =>
        (OfType("constructor").Single()["inputs"] as JsonArray ?? [])
            .Select(m => (Str(m!.AsObject(), "name"), Str(m.AsObject(), "type"))).ToList();

    /// <summary>How many felts a value of this ABI type serialises to (Serde layout).</summary>
    public int FeltCount(string type)
    {
        switch (type)
        {
            case "core::felt252" or "core::bool" or "core::starknet::contract_address::ContractAddress"
                or "core::integer::u8" or "core::integer::u16" or "core::integer::u32" or "core::integer::u64"
                or "core::integer::u128" or "core::starknet::class_hash::ClassHash":
                return 1;
        }

        return StructMembers(type).Sum(m => FeltCount(m.Type));
    }

    public static AbiFunction Function(JsonObject f) => new(
        Str(f, "name"),
        (f["inputs"] as JsonArray ?? []).Select(i => (Str(i!.AsObject(), "name"), Str(i.AsObject(), "type"))).ToList(),
        (f["outputs"] as JsonArray ?? []).Select(o => Str(o!.AsObject(), "type")).ToList(),
        Str(f, "state_mutability"));

    public static string Str(JsonObject o, string key) =>
        o[key]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"ABI entry lacks '{key}': {o.ToJsonString()}");
}
