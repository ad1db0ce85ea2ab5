namespace Ciro.Contracts.Tests;

/// <summary>What the Cairo compiler would write into a contract's ABI, derived from the source text.</summary>
public sealed class ExpectedAbi(CairoSource source, string contractName)
{
    public CairoModule Contract { get; } = source.ContractModule(contractName);

    public CairoItem ContractEventEnum =>
        source.Items.GetValueOrDefault(Contract.Path + "::Event")
        ?? throw new InvalidOperationException($"{Contract.Path} has no Event enum");

    /// <summary>All events in compiler order: each variant's type (recursively) before the enum using it.</summary>
    public IReadOnlyList<AbiEvent> Events()
    {
        var result = new List<AbiEvent>();
        AddEnum(ContractEventEnum, result);
        return result;
    }

    public AbiEvent EventOf(CairoItem item)
    {
        Assert.True(item.IsEvent, $"{item.Path} is used as an event but does not derive starknet::Event");
        return item.IsEnum
            ? new AbiEvent(item.Path, "enum", item.Fields.Select(v =>
                new AbiField(v.Name, source.ResolveType(v.TypeText, item.Module), v.IsFlat ? "flat" : "nested")).ToList())
            : new AbiEvent(item.Path, "struct", item.Fields.Select(f =>
                new AbiField(f.Name, source.ResolveType(f.TypeText, item.Module), f.IsKey ? "key" : "data")).ToList());
    }

    public IReadOnlyList<CairoEmbeddedImpl> Impls() => source.EmbeddedImpls(Contract);

    public IReadOnlyList<AbiFunction> InterfaceItems(string interfacePath)
    {
        if (OpenZeppelin.Interfaces.TryGetValue(interfacePath, out var oz))
        {
            return oz;
        }

        var trait = source.Traits.GetValueOrDefault(interfacePath)
            ?? throw new InvalidOperationException($"No #[starknet::interface] trait {interfacePath} in contracts/src");
        return trait.Functions.Select(f => new AbiFunction(
            f.Name,
            f.Inputs.Select(i => (i.Name, source.ResolveType(i.TypeText, trait.Module))).ToList(),
            f.ReturnText is null ? [] : [source.ResolveType(f.ReturnText, trait.Module)],
            f.IsView ? "view" : "external")).ToList();
    }

    public IReadOnlyList<(string Name, string Type)> ConstructorInputs() =>
        Contract.ConstructorParams.Select(p => (p.Name, source.ResolveType(p.TypeText, Contract))).ToList();

    /// <summary>Members of one of our structs, resolved (null when the type is not ours).</summary>
    public IReadOnlyList<(string Name, string Type)>? StructMembers(string typePath) =>
        source.Items.TryGetValue(typePath, out var item) && !item.IsEnum
            ? item.Fields.Select(f => (f.Name, source.ResolveType(f.TypeText, item.Module))).ToList()
            : null;

    private void AddEnum(CairoItem item, List<AbiEvent> result)
    {
        var expected = EventOf(item);
        foreach (var variant in expected.Fields)
        {
            if (result.Any(e => e.Name == variant.Type))
            {
                continue;
            }

            if (OpenZeppelin.ComponentEvents.TryGetValue(variant.Type, out var oz))
            {
                result.AddRange(oz);
            }
            else if (source.Items.TryGetValue(variant.Type, out var inner))
            {
                if (inner.IsEnum)
                {
                    AddEnum(inner, result);
                }
                else
                {
                    result.Add(EventOf(inner));
                }
            }
            else
            {
                throw new InvalidOperationException($"Event variant type {variant.Type} is neither ours nor a pinned OpenZeppelin component");
            }
        }

        result.Add(expected);
    }
}
