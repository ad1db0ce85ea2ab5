namespace Ciro.Contracts.Tests;

/// <summary>contracts/abi/*.abi.json is hand-written: every entry must match the Cairo source.</summary>
public class AbiMatchesCairoSourceTests
{
    public static readonly TheoryData<string> Contracts = new() { "JobManager", "CDCPool", "MetricsRegistry" };

    private static readonly Lazy<CairoSource> Source = new(() => CairoSource.Load(RepoPaths.Contracts));

    private static readonly HashSet<string> Scalars =
    [
        "core::felt252", "core::bool", "core::starknet::contract_address::ContractAddress", "core::integer::u8",
        "core::integer::u16", "core::integer::u32", "core::integer::u64", "core::integer::u128", "()",
    ];

    [Fact]
    public void AbiFolderHoldsExactlyOneFilePerContract()
    {
        var contracts = Source.Value.Modules.Values
            .Where(m => m.Parent is not null && System.Text.RegularExpressions.Regex.IsMatch(
                m.Text[..m.Start], @"#\[starknet::contract\]\s*(?:pub\s+)?mod\s+" + m.Name + @"\s*$"))
            .Select(m => m.Name).Order(StringComparer.Ordinal);
        var files = Directory.GetFiles(RepoPaths.AbiDir, "*.abi.json")
            .Select(f => Path.GetFileName(f)[..^".abi.json".Length]).Order(StringComparer.Ordinal);
        Assert.Equal(contracts, files);
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void EventStructsMatchSourceFieldByField(string contract)
    {
        var abi = AbiFile.Load(contract);
        var expected = new ExpectedAbi(Source.Value, contract);
        foreach (var e in expected.Events().Where(e => e.Kind == "struct"))
        {
            var actual = abi.Event(e.Name);
            Assert.True(actual.Kind == "struct", $"{e.Name} should be a struct event, ABI says {actual.Kind}");
            Assert.Equal(e.Fields, actual.Fields);
        }
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void EventEnumsMatchSourceVariantByVariant(string contract)
    {
        var abi = AbiFile.Load(contract);
        var expected = new ExpectedAbi(Source.Value, contract);
        foreach (var e in expected.Events().Where(e => e.Kind == "enum"))
        {
            var actual = abi.Event(e.Name);
            Assert.True(actual.Kind == "enum", $"{e.Name} should be an enum event, ABI says {actual.Kind}");
            Assert.Equal(e.Fields, actual.Fields);
        }
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void EventsAreExactlyThoseOfTheSourceInCompilerOrder(string contract)
    {
        var expected = new ExpectedAbi(Source.Value, contract).Events().Select(e => e.Name);
        var actual = AbiFile.Load(contract).Events().Select(e => e.Name);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void EmbeddedImplsAndInterfacesMatchSource(string contract)
    {
        var abi = AbiFile.Load(contract);
        var expected = new ExpectedAbi(Source.Value, contract);
        var impls = expected.Impls();
        Assert.Equal(impls.Select(i => (i.Name, i.InterfacePath)), abi.Impls());
        foreach (var impl in impls)
        {
            Assert.Equal(
                expected.InterfaceItems(impl.InterfacePath).Select(f => f.ToString()),
                abi.InterfaceItems(impl.InterfacePath).Select(f => f.ToString()));
        }

        Assert.Equal(impls.Count, abi.OfType("interface").Count());
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void ConstructorMatchesSource(string contract)
    {
        var expected = new ExpectedAbi(Source.Value, contract).ConstructorInputs();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, AbiFile.Load(contract).ConstructorInputs());
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void StructTypesMatchSourceAndAreDefinedBeforeUse(string contract)
    {
        var abi = AbiFile.Load(contract);
        var expected = new ExpectedAbi(Source.Value, contract);
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in abi.Entries)
        {
            var type = AbiFile.Str(entry, "type");
            var name = AbiFile.Str(entry, "name");
            foreach (var used in ReferencedTypes(entry))
            {
                Assert.True(Scalars.Contains(used) || defined.Contains(used) || IsEvent(abi, used),
                    $"{contract}.abi.json: '{name}' uses type '{used}' before (or without) its struct/enum entry");
            }

            if (type == "struct")
            {
                var members = abi.StructMembers(name);
                IReadOnlyList<(string Name, string Type)> fromSource = name == "core::integer::u256"
                    ? [("low", "core::integer::u128"), ("high", "core::integer::u128")]
                    : expected.StructMembers(name) ?? throw new Xunit.Sdk.XunitException($"struct {name} is not defined in contracts/src");
                Assert.Equal(fromSource, members);
            }

            if (type is "struct" or "enum")
            {
                defined.Add(name);
            }
        }
    }

    private static bool IsEvent(AbiFile abi, string name) => abi.Events().Any(e => e.Name == name);

    private static IEnumerable<string> ReferencedTypes(System.Text.Json.Nodes.JsonObject entry)
    {
        foreach (var key in new[] { "members", "variants", "inputs", "outputs" })
        {
            if (entry[key] is System.Text.Json.Nodes.JsonArray list)
            {
                foreach (var item in list)
                {
                    yield return AbiFile.Str(item!.AsObject(), "type");
                }
            }
        }

        if (entry["items"] is System.Text.Json.Nodes.JsonArray items)
        {
            foreach (var f in items)
            {
                foreach (var t in ReferencedTypes(f!.AsObject()))
                {
                    yield return t;
                }
            }
        }
    }
}
