namespace Ciro.Contracts.Tests;

/// <summary>
/// JobManager and CDCPool must emit the real CIRO events: same variant names (keys[0]), same
/// #[key]/data split, field names, order and types, hence the same felt layout. The reference is
/// tests/TestData/starknet/ciro_events.md, read at test time.
/// </summary>
public class CiroEventsTests
{
    public static readonly TheoryData<string> CiroContracts = new() { "JobManager", "CDCPool" };

    private static readonly Lazy<CairoSource> Source = new(() => CairoSource.Load(RepoPaths.Contracts));

    [Theory]
    [InlineData("JobManager", 5)]
    [InlineData("CDCPool", 9)]
    public void TableIsReadable(string contract, int events)
    {
        var table = CiroEventTable.Events(contract);
        Assert.Equal(events, table.Count);
        Assert.All(table, e => Assert.NotEmpty(e.Keys));
    }

    [Theory]
    [MemberData(nameof(CiroContracts))]
    public void CairoSourceDeclaresEveryCiroEventWithTheSameLayout(string contract)
    {
        var src = Source.Value;
        var expected = new ExpectedAbi(src, contract);
        var variants = expected.ContractEventEnum.Fields;
        foreach (var ciro in CiroEventTable.Events(contract))
        {
            var variant = variants.SingleOrDefault(v => v.Name == ciro.Name);
            Assert.True(variant is not null, $"{contract} Event enum lacks CIRO variant {ciro.Name}");
            Assert.False(variant.IsFlat, $"{ciro.Name} must not be #[flat]: keys[0] is sn_keccak of the variant name");
            var item = src.Items[src.ResolveType(variant.TypeText, expected.Contract)];
            Assert.False(item.IsEnum, $"{ciro.Name} must be a struct event");
            Assert.Equal(ciro.Keys, item.Fields.Where(f => f.IsKey).Select(f => new CiroField(f.Name, ShortType(f.TypeText))));
            Assert.Equal(ciro.Data, item.Fields.Where(f => !f.IsKey).Select(f => new CiroField(f.Name, ShortType(f.TypeText))));
        }
    }

    [Theory]
    [MemberData(nameof(CiroContracts))]
    public void AbiDeclaresEveryCiroEventWithTheSameFeltsAndSelector(string contract)
    {
        var abi = AbiFile.Load(contract);
        var contractEnum = abi.Events()[^1];
        foreach (var ciro in CiroEventTable.Events(contract))
        {
            var variant = contractEnum.Fields.SingleOrDefault(v => v.Name == ciro.Name);
            Assert.True(variant is not null, $"{contract}.abi.json top-level Event lacks CIRO variant {ciro.Name}");
            Assert.Equal("nested", variant.Kind);
            Assert.Equal(ciro.Selector, Selector.FromName(variant.Name).ToString());

            var ev = abi.Event(variant.Type);
            var keys = ev.Fields.Where(f => f.Kind == "key").ToList();
            var data = ev.Fields.Where(f => f.Kind == "data").ToList();
            Assert.Equal(ciro.Keys, keys.Select(f => new CiroField(f.Name, ShortType(f.Type))));
            Assert.Equal(ciro.Data, data.Select(f => new CiroField(f.Name, ShortType(f.Type))));
            Assert.True(ciro.KeyFelts == keys.Sum(f => abi.FeltCount(f.Type)), $"{ciro.Name}: keys felt count differs from the CIRO layout");
            Assert.True(ciro.DataFelts == data.Sum(f => abi.FeltCount(f.Type)), $"{ciro.Name}: data felt count differs from the CIRO layout");
        }
    }

    [Theory]
    [MemberData(nameof(CiroContracts))]
    public void OnlyComponentEnumsAreAddedToTheCiroEventEnum(string contract)
    {
        var src = Source.Value;
        var expected = new ExpectedAbi(src, contract);
        var ciroNames = CiroEventTable.Events(contract).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in expected.ContractEventEnum.Fields.Where(v => !ciroNames.Contains(v.Name)))
        {
            var type = src.ResolveType(extra.TypeText, expected.Contract);
            var isComponentEnum = OpenZeppelin.ComponentEvents.ContainsKey(type) || (src.Items.TryGetValue(type, out var i) && i.IsEnum);
            Assert.True(isComponentEnum, $"{contract}: variant {extra.Name} is not CIRO's and not a component event enum");
        }

        // The monitor stays nested under its own name so none of its events can shadow a CIRO selector.
        var monitor = expected.ContractEventEnum.Fields.Single(v => v.Name == "PerformanceEvent");
        Assert.False(monitor.IsFlat);
    }

    [Fact]
    public void WorkerCapabilitiesMatchesCiro()
    {
        var item = Source.Value.Items[Source.Value.PackageName + "::types::WorkerCapabilities"];
        Assert.Equal(CiroEventTable.WorkerCapabilities(), item.Fields.Select(f => new CiroField(f.Name, ShortType(f.TypeText))));
    }

    [Theory]
    [InlineData("JobId")]
    [InlineData("WorkerId")]
    public void IdWrappersMatchCiro(string name)
    {
        var item = Source.Value.Items[Source.Value.PackageName + "::types::" + name];
        Assert.Equal(CiroEventTable.Wrapper(name), item.Fields.Select(f => new CiroField(f.Name, ShortType(f.TypeText))));
    }

    /// <summary>The last path segment: the table writes `u256`, `WorkerId`, `ContractAddress`.</summary>
    private static string ShortType(string type)
    {
        var t = type.Trim();
        var i = t.LastIndexOf("::", StringComparison.Ordinal);
        return i < 0 ? t : t[(i + 2)..];
    }
}
