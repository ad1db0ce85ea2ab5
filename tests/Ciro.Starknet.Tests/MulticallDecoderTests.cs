using System.Text.Json;
using Ciro.Starknet.Calldata;
using Ciro.Starknet.Rpc;
using Ciro.Starknet.Rpc.Json;
using CsCheck;

namespace Ciro.Starknet.Tests;

public sealed class MulticallDecoderTests
{
    private static readonly BlockWithReceipts Block3100000 = JsonDocument.Parse(TestData.Read("starknet", "rpc", "sepolia", "getBlockWithReceipts_3100000.json"))
        .RootElement.GetProperty("result").Deserialize(StarknetJsonContext.Default.BlockWithReceipts)!;

    private static readonly Felt Target = Felt.Parse("0x2a730fc5366a8932645ada40338487d5c272294d70a43dc2d53f03534f418ea");

    [Fact]
    public void Invoke_v3_transactions_of_block_3100000()
    {
        var calls = Block3100000.Transactions.Select(t =>
        {
            Assert.True(MulticallDecoder.TryDecode(t.Transaction, out var c));
            return c;
        }).ToList();

        var first = Assert.Single(calls[0]);
        Assert.Equal(Target, first.To);
        Assert.Equal(Felt.Parse("0x5df99ae77df976b4f0e5cf28c7dcfe09bd6e81aab787b19ac0c08e03d928cf"), first.Selector);
        Assert.Equal([Felt.Parse("0x2ff")], first.Calldata);

        var second = Assert.Single(calls[1]);
        Assert.Equal([Felt.Parse("0xc4"), Felt.Parse("0x455c0422ec3813145d4275428cb44bfae61b1f04ce5ea757cb53da8f8cd509a")], second.Calldata);

        Assert.Equal(2, calls[2].Count);
        Assert.All(calls[2], c =>
        {
            Assert.Equal(Felt.Parse("0xb17d8a2731ba7ca1816631e6be14f0fc1b8390422d649fa27f0fbb0c91eea8"), c.Selector);
            Assert.Empty(c.Calldata);
        });
    }

    [Fact]
    public void Cairo0_account_layout()
    {
        Felt[] calldata = [2, 0xa, 0x1, 0, 2, 0xb, 0x2, 2, 1, 3, 0x10, 0x11, 0x20];

        Assert.True(MulticallDecoder.TryDecode(calldata, out var calls, out var layout));

        Assert.Equal(MulticallLayout.Cairo0, layout);
        Assert.Equal([(Felt)0x10UL, 0x11UL], calls[0].Calldata);
        Assert.Equal((Felt)0xbUL, calls[1].To);
        Assert.Equal([(Felt)0x20UL], calls[1].Calldata);
    }

    [Fact]
    public void Invoke_v0_names_its_target_directly()
    {
        var tx = new Transaction { Type = "INVOKE", Version = "0x0", ContractAddress = 5, EntryPointSelector = 6, Calldata = [7] };
        Assert.True(MulticallDecoder.TryDecode(tx, out var calls));
        Assert.Equal((Felt)5UL, calls.Single().To);
        Assert.Equal((Felt)6UL, calls.Single().Selector);
        Assert.Equal([(Felt)7UL], calls.Single().Calldata);
    }

    [Theory]
    [InlineData(new ulong[] { })]
    [InlineData(new ulong[] { 1, 0xa, 0x1, 5, 1 })]
    [InlineData(new ulong[] { 1000000, 1 })]
    [InlineData(new ulong[] { 2, 0xa, 0x1, 0 })]
    public void Calldata_fitting_neither_layout_is_rejected(ulong[] felts)
    {
        Assert.False(MulticallDecoder.TryDecode(felts.Select(f => (Felt)f).ToList(), out var calls, out _));
        Assert.Empty(calls);
    }

    private static readonly Gen<Felt> GenFelt = Gen.UInt.Select(u => (Felt)(ulong)u);

    private static readonly Gen<List<ContractCall>> GenCalls =
        Gen.Select(GenFelt, GenFelt, GenFelt.List[0, 6]).Select((to, selector, data) => new ContractCall(to, selector, data)).List[1, 5];

    [Fact]
    public void Cairo1_encoding_round_trips() => GenCalls.Sample(calls =>
    {
        Assert.True(MulticallDecoder.TryDecode(MulticallDecoder.EncodeCairo1(calls), out var decoded, out var layout));
        Assert.Equal(MulticallLayout.Cairo1, layout);
        AssertSame(calls, decoded);
    });

    [Fact]
    public void Cairo0_encoding_round_trips() => GenCalls.Sample(calls =>
    {
        Assert.True(MulticallDecoder.TryDecode(MulticallDecoder.EncodeCairo0(calls), out var decoded, out _, MulticallLayout.Cairo0));
        AssertSame(calls, decoded);
    });

    [Fact]
    public void Some_calldata_fits_both_layouts_and_auto_detection_prefers_cairo1()
    {
        // Found by the round-trip property: a Cairo 0 encoding that also parses as Cairo 1.
        // Two empty calls (to 2, selector 0) and (to 3, selector 3), Cairo 0 layout.
        Felt[] cairo0 = [2, 2, 0, 0, 0, 3, 3, 0, 0, 0];
        Assert.True(MulticallDecoder.TryDecode(cairo0, out var auto, out var layout));
        Assert.Equal(MulticallLayout.Cairo1, layout);
        Assert.Equal([(Felt)0UL, 0UL, 0UL], auto[1].Calldata);
        Assert.True(MulticallDecoder.TryDecode(cairo0, out var calls, out _, MulticallLayout.Cairo0));
        Assert.Equal([((Felt)2UL, Felt.Zero), (3UL, 3UL)], calls.Select(c => (c.To, c.Selector)));
        Assert.All(calls, c => Assert.Empty(c.Calldata));
    }

    private static void AssertSame(IReadOnlyList<ContractCall> expected, IReadOnlyList<ContractCall> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].To, actual[i].To);
            Assert.Equal(expected[i].Selector, actual[i].Selector);
            Assert.Equal(expected[i].Calldata, actual[i].Calldata);
        }
    }
}
