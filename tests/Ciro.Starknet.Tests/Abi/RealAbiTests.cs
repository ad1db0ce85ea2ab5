using Ciro.Starknet.Abi;
using static Ciro.Starknet.Tests.Abi.AbiTestSupport;

namespace Ciro.Starknet.Tests.Abi;

/// <summary>The two public component ABIs: one embeds components flat, the other nested.</summary>
public sealed class RealAbiTests
{
    private static readonly ContractAbi Identity = SharedAbi("starknetid_identity_flat_components.abi.json");
    private static readonly ContractAbi Akira = SharedAbi("layerakira_exchange_sepolia_nested_components.abi.json");

    [Fact]
    public void Both_abis_load_without_warnings()
    {
        Assert.Empty(Identity.Warnings);
        Assert.Empty(Akira.Warnings);
        Assert.Contains(Akira.Functions, f => f.Name == "apply_trades" || f.Inputs.Count > 0);
    }

    [Fact]
    public void Flat_components_contribute_no_selector()
    {
        var names = Identity.EventLayouts.Select(l => l.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "Transfer", "Approval", "ApprovalForAll", "OwnershipTransferred", "Upgraded", "VerifierDataUpdate", "MainIdUpdate" }, names);
        var transfer = Identity.EventLayouts.Single(l => l.Name == "Transfer");
        Assert.Equal([Sel("Transfer")], transfer.SelectorPath);
    }

    [Fact]
    public void Nested_components_prefix_the_outer_variant()
    {
        var trade = Akira.EventLayouts.Single(l => l.Name == "BalancerEvent::Trade");
        Assert.Equal([Sel("BalancerEvent"), Sel("Trade")], trade.SelectorPath);
        Assert.Equal(F("0x22ea134d4126804c60797e633195f8c9aa5fd6d1567e299f4961d0e96f373ee"), Sel("BalancerEvent"));
        Assert.Contains(Akira.EventLayouts, l => l.Name == "DepositEvent::Deposit");
        Assert.Contains(Akira.EventLayouts, l => l.Name == "RouterEvent::Deposit");
        Assert.Contains(Akira.EventLayouts, l => l.Name == "VersionUpdate");
    }

    [Fact]
    public void Erc721_transfer_with_u256_in_keys_decodes_through_the_flat_component()
    {
        var decoded = new EventDecoder(Identity).Decode(Ev([Sel("Transfer"), F("0x0"), F("0xabc"), F("0x7"), F("0x0")], []));

        Assert.True(decoded.IsDecoded, decoded.Error);
        Assert.Equal("Transfer", decoded.Name);
        Assert.Equal("""{"from":"0x0","to":"0xabc","token_id":"7"}""", CairoJson.EventPayloadJson(decoded));
    }

    [Fact]
    public void Identity_struct_event_with_span_data()
    {
        var decoded = new EventDecoder(Identity).Decode(Ev(
            [Sel("ExtendedUserDataUpdate"), F("0x2a")],
            [F("0x6e616d65"), F("0x2"), F("0x1"), F("0x2")]));

        Assert.Equal("ExtendedUserDataUpdate", decoded.Name);
        Assert.Equal(42UL, decoded.Fields["id"] is UInt128 id ? (ulong)id : 0);
        Assert.Equal("""{"id":"42","field":"0x6e616d65","_data":["0x1","0x2"]}""", CairoJson.EventPayloadJson(decoded));
    }

    [Fact]
    public void Trade_from_the_nested_balancer_component()
    {
        Felt[] data =
        [
            F("0xb1"), F("0xb2"), // ticker (ContractAddress, ContractAddress)
            F("0xc1"), F("0xc2"), // router_maker, router_taker
            F("0x64"), F("0x0"), // amount_base = 100
            F("0x0"), F("0x1"), // amount_quote = 2^128
            F("0x1"), F("0x0"), F("0x1"), // is_sell_side, is_failed, is_ecosystem_book
            F("0xd1"), F("0xd2"), F("0xe1"), F("0xe2"), // maker_hash, taker_hash, maker_source, taker_source
        ];
        var decoded = new EventDecoder(Akira).Decode(Ev([Sel("BalancerEvent"), Sel("Trade"), F("0xaa"), F("0xbb")], data));

        Assert.True(decoded.IsDecoded, decoded.Error);
        Assert.Equal("BalancerEvent::Trade", decoded.Name);
        Assert.Equal(Sel("BalancerEvent"), decoded.Selector);
        Assert.Equal(new U256(0, 1), decoded.Get<U256>("amount_quote"));
        Assert.Equal("340282366920938463463374607431768211456", decoded.Get<U256>("amount_quote").ToString());
        Assert.Equal([F("0xb1"), F("0xb2")], decoded.Get<IReadOnlyList<object?>>("ticker").Cast<Felt>());
        Assert.True(decoded.Get<bool>("is_sell_side"));
        Assert.False(decoded.Get<bool>("is_failed"));
    }

    [Fact]
    public void Two_components_with_a_Deposit_event_are_told_apart_by_the_outer_key()
    {
        var decoder = new EventDecoder(Akira);
        var fromDeposit = decoder.Decode(Ev([Sel("DepositEvent"), Sel("Deposit"), F("0x1")], [F("0x2"), F("0x3"), F("0x5"), F("0x0")]));
        var fromRouter = decoder.Decode(Ev([Sel("RouterEvent"), Sel("Deposit"), F("0x1"), F("0x2")], [F("0x3"), F("0x5"), F("0x0")]));

        Assert.Equal("DepositEvent::Deposit", fromDeposit.Name);
        Assert.Equal(["receiver", "token", "funder", "amount"], fromDeposit.Fields.Keys);
        Assert.Equal("RouterEvent::Deposit", fromRouter.Name);
        Assert.Equal(["router", "token", "funder", "amount"], fromRouter.Fields.Keys);
    }

    [Fact]
    public void Withdrawal_with_nested_struct_data()
    {
        var layout = Akira.EventLayouts.Single(l => l.Name == "WithdrawEvent::Withdrawal");
        var felts = new List<Felt>();
        var values = new List<object?>();
        foreach (var member in layout.Definition.Members.Where(m => m.Kind == EventFieldKind.Data))
        {
            // Encode a deterministic sample of each field's type, then expect the decoder to give it back.
            var sample = CairoSamples.For(member.Type!);
            values.Add(sample);
            CairoEncoder.Encode(member.Type!, sample, felts);
        }
        var decoded = new EventDecoder(Akira).Decode(Ev([Sel("WithdrawEvent"), Sel("Withdrawal"), F("0x77")], felts));

        Assert.True(decoded.IsDecoded, decoded.Error);
        Assert.Equal(CairoJson.ToJson(values), CairoJson.ToJson(decoded.Fields.Values.Skip(1).ToList()));
    }
}

/// <summary>Deterministic sample values for any Cairo type (used to build events from an ABI).</summary>
internal static class CairoSamples
{
    public static object? For(CairoType type) => type switch
    {
        FeltType => Felt.Parse("0x1234"),
        UnsignedType { Bits: 128 } => (UInt128)12345,
        UnsignedType u => (ulong)(u.Bits - 1),
        SignedType { Bits: 128 } => (Int128)(-5),
        SignedType => -5L,
        U256Type => new U256(7, 1),
        BoolType => true,
        ByteArrayType => "sample ✓",
        ArrayType a => new List<object?> { For(a.Element), For(a.Element) },
        TupleType { Elements.Count: 0 } => null,
        TupleType t => t.Elements.Select(For).ToList(),
        OptionType o => For(o.Inner),
        StructType s => new OrderedDictionary<string, object?>(s.Members.Select(m => KeyValuePair.Create(m.Name, For(m.Type)))),
        EnumType e => new CairoEnumValue(e.Variants[^1].Name, e.Variants.Count - 1, For(e.Variants[^1].Type)),
        _ => throw new ArgumentException(type.ToString()),
    };
}
