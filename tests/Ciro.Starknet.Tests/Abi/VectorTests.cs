using System.Text.Json;
using Ciro.Starknet.Abi;
using static Ciro.Starknet.Tests.Abi.AbiTestSupport;

namespace Ciro.Starknet.Tests.Abi;

/// <summary>vectors/event_decoding_vectors.json: serialisation examples and events.</summary>
public sealed class VectorTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(TestData.Read("starknet", "vectors", "event_decoding_vectors.json")).RootElement;

    private static readonly CairoTypeResolver Resolver = new(
        new Dictionary<string, IReadOnlyList<(string, string)>>
        {
            ["MyStruct"] = [("a", "core::integer::u256"), ("b", "core::felt252"), ("c", "core::array::Array::<core::felt252>")],
        },
        new Dictionary<string, IReadOnlyList<(string, string)>>
        {
            ["Week"] = [("Sunday", "()"), ("Monday", "core::integer::u256")],
        });

    private static CairoType TypeOf(string vectorType) => vectorType switch
    {
        "u256" => Resolver.Resolve("core::integer::u256"),
        "Array<u256>" => Resolver.Resolve("core::array::Array::<core::integer::u256>"),
        "Array<Array<Array<u32>>>" => Resolver.Resolve("core::array::Array::<core::array::Array::<core::array::Array::<core::integer::u32>>>"),
        "bool" => Resolver.Resolve("core::bool"),
        "i32" => Resolver.Resolve("core::integer::i32"),
        "ByteArray" => Resolver.Resolve("core::byte_array::ByteArray"),
        _ when vectorType.StartsWith("enum Week", StringComparison.Ordinal) => Resolver.Resolve("Week"),
        _ when vectorType.StartsWith("struct MyStruct", StringComparison.Ordinal) => Resolver.Resolve("MyStruct"),
        _ => throw new ArgumentException($"vector type '{vectorType}' is not mapped"),
    };

    public static TheoryData<int> SerializationIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Vectors.GetProperty("serialization").GetArrayLength(); i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SerializationIndexes))]
    public void Serialization_vector_decodes_and_reencodes(int index)
    {
        var vector = Vectors.GetProperty("serialization")[index];
        var type = TypeOf(vector.GetProperty("type").GetString()!);
        var felts = vector.GetProperty("felts").EnumerateArray().Select(f => F(f.GetString()!)).ToList();

        var value = CairoDecoder.Decode(type, felts);

        Assert.Equal(Expected(vector), CairoJson.ToJson(value));
        Assert.Equal(felts, CairoEncoder.Encode(type, value));
    }

    /// <summary>The vector's expected value written the way <see cref="CairoJson"/> writes it.</summary>
    private static string Expected(JsonElement vector)
    {
        if (vector.TryGetProperty("value_dec", out var dec))
        {
            return vector.GetProperty("type").GetString() switch
            {
                "i32" => dec.GetString()!,
                "Array<Array<Array<u32>>>" => dec.GetRawText().Replace("\"", "").Replace(" ", "").Replace("\n", ""),
                _ => dec.GetRawText().Replace(" ", "").Replace("\n", ""),
            };
        }
        var value = vector.GetProperty("value");
        return value.ValueKind switch
        {
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => value.GetString() switch
            {
                "Week::Sunday" => "\"Sunday\"",
                "Week::Monday(5)" => """{"Monday":"5"}""",
                "a=2,b=5,c=[1,2,3]" => """{"a":"2","b":"0x5","c":["0x1","0x2","0x3"]}""",
                var text => JsonSerializer.Serialize(text),
            },
        };
    }

    [Fact]
    public void Every_serialization_vector_type_is_mapped() =>
        Assert.All(Vectors.GetProperty("serialization").EnumerateArray(), v => TypeOf(v.GetProperty("type").GetString()!));

    private static JsonElement EventVector(string namePrefix) =>
        Vectors.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("name").GetString()!.StartsWith(namePrefix, StringComparison.Ordinal));

    private static Felt[] Felts(JsonElement vector, string property) =>
        vector.GetProperty(property).EnumerateArray().Select(f => F(f.GetString()!)).ToArray();

    /// <summary>The Cairo book's example contract: BookAdded (nested), FieldUpdated (flat enum of Title/Author).</summary>
    private static readonly ContractAbi BookAbi = ContractAbi.Parse("""
    [
      {"type":"event","name":"book::BookAdded","kind":"struct","members":[
        {"name":"id","type":"core::integer::u32","kind":"data"},
        {"name":"title","type":"core::felt252","kind":"data"},
        {"name":"author","type":"core::felt252","kind":"key"}]},
      {"type":"event","name":"book::Title","kind":"struct","members":[
        {"name":"id","type":"core::integer::u32","kind":"key"},{"name":"new_title","type":"core::felt252","kind":"data"}]},
      {"type":"event","name":"book::Author","kind":"struct","members":[
        {"name":"id","type":"core::integer::u32","kind":"key"},{"name":"new_author","type":"core::felt252","kind":"data"}]},
      {"type":"event","name":"book::FieldUpdated","kind":"enum","variants":[
        {"name":"Title","type":"book::Title","kind":"nested"},{"name":"Author","type":"book::Author","kind":"nested"}]},
      {"type":"event","name":"book::BookRemoved","kind":"struct","members":[{"name":"id","type":"core::integer::u32","kind":"data"}]},
      {"type":"event","name":"book::Event","kind":"enum","variants":[
        {"name":"BookAdded","type":"book::BookAdded","kind":"nested"},
        {"name":"FieldUpdated","type":"book::FieldUpdated","kind":"flat"},
        {"name":"BookRemoved","type":"book::BookRemoved","kind":"nested"}]}
    ]
    """);

    [Fact]
    public void Book_author_under_flat()
    {
        var vector = EventVector("Cairo book Example 2");
        var decoded = new EventDecoder(BookAbi).Decode(Ev(Felts(vector, "keys"), Felts(vector, "data")));

        Assert.Equal("Author", decoded.Name);
        Assert.Equal(42UL, decoded.Get<ulong>("id"));
        Assert.Equal("Stephen King", decoded.Get<Felt>("new_author").ToShortString());
    }

    [Fact]
    public void Book_added_with_the_corrected_selector()
    {
        var vector = EventVector("Cairo book Example 1");
        var expectedSelector = F(vector.GetProperty("expected_keys0_selector_BookAdded").GetString()!);
        Assert.Equal(expectedSelector, Sel("BookAdded"));
        var printed = Felts(vector, "keys_as_printed_in_book");

        var decoded = new EventDecoder(BookAbi).Decode(Ev([expectedSelector, printed[1]], Felts(vector, "data")));

        Assert.Equal("BookAdded", decoded.Name);
        Assert.Equal(42UL, decoded.Get<ulong>("id"));
        Assert.Equal("Misery", decoded.Get<Felt>("title").ToShortString());
        Assert.Equal("S. King", decoded.Get<Felt>("author").ToShortString());
        // The book's misprinted keys[0] matches nothing: raw, not an exception.
        Assert.False(new EventDecoder(BookAbi).Decode(Ev(printed, Felts(vector, "data"))).IsDecoded);
    }

    [Fact]
    public void Approval_with_owner_and_spender_as_keys()
    {
        var vector = EventVector("Approval (Cairo 1");
        var decoded = new EventDecoder(StandardAbis.Erc20).Decode(Ev(Felts(vector, "keys"), Felts(vector, "data")));
        var expected = vector.GetProperty("decoded");

        Assert.Equal("Approval", decoded.Name);
        Assert.Equal("declared", decoded.Layout);
        Assert.Equal(F(expected.GetProperty("owner").GetString()!), decoded.Get<Felt>("owner"));
        Assert.Equal(F(expected.GetProperty("spender").GetString()!), decoded.Get<Felt>("spender"));
        Assert.Equal(expected.GetProperty("value").GetString(), decoded.Get<U256>("value").ToString());
    }

    [Fact]
    public void Cairo0_event_with_a_length_prefixed_felt_array()
    {
        var vector = EventVector("addr_to_domain_update");
        var abi = ContractAbi.Parse("""
        [{"type":"event","name":"addr_to_domain_update","keys":[],"data":[
          {"name":"address","type":"felt"},{"name":"domain_len","type":"felt"},{"name":"domain","type":"felt*"}]}]
        """);
        var decoded = new EventDecoder(abi).Decode(Ev(Felts(vector, "keys"), Felts(vector, "data")));
        var expected = vector.GetProperty("decoded");

        Assert.Equal("addr_to_domain_update", decoded.Name);
        Assert.Equal(F(expected.GetProperty("address").GetString()!), decoded.Get<Felt>("address"));
        Assert.Equal(expected.GetProperty("domain").EnumerateArray().Select(d => F(d.GetString()!)),
            decoded.Get<IReadOnlyList<object?>>("domain").Cast<Felt>());
        Assert.Equal(["address", "domain"], decoded.Fields.Keys);
    }

    [Fact]
    public void Strk_transfer_in_the_legacy_layout_decodes_with_the_cairo1_abi()
    {
        var vector = EventVector("STRK Transfer, legacy layout");
        var decoded = new EventDecoder(StandardAbis.Erc20).Decode(
            Ev(Felts(vector, "keys"), Felts(vector, "data"), vector.GetProperty("from_address").GetString()!));
        var expected = vector.GetProperty("decoded");

        Assert.Equal("Transfer", decoded.Name);
        Assert.Equal("legacy_all_data", decoded.Layout);
        Assert.Equal(Felt.Zero, decoded.Get<Felt>("from"));
        Assert.Equal(F(expected.GetProperty("to").GetString()!), decoded.Get<Felt>("to"));
        Assert.Equal(U256.FromFelts(F(expected.GetProperty("value_low").GetString()!), F(expected.GetProperty("value_high").GetString()!)),
            decoded.Get<U256>("value"));
    }

    [Fact]
    public void Strk_transfer_in_the_cairo1_layout_decodes_with_the_same_abi()
    {
        var decoded = new EventDecoder(StandardAbis.Erc20).Decode(
            Ev([Sel("Transfer"), F("0xa"), F("0xb")], [F("0x10"), F("0x0")], "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d"));

        Assert.Equal("declared", decoded.Layout);
        Assert.Equal("""{"from":"0xa","to":"0xb","value":"16"}""", CairoJson.EventPayloadJson(decoded));
    }

    [Fact]
    public void Cairo0_erc20_abi_accepts_the_cairo1_layout_too()
    {
        var abi = ContractAbi.Parse("""
        [{"type":"struct","name":"Uint256","size":2,"members":[{"name":"low","type":"felt","offset":0},{"name":"high","type":"felt","offset":1}]},
         {"type":"event","name":"Transfer","keys":[],"data":[{"name":"from_","type":"felt"},{"name":"to","type":"felt"},{"name":"value","type":"Uint256"}]}]
        """);
        var decoder = new EventDecoder(abi);

        var legacy = decoder.Decode(Ev([Sel("Transfer")], [F("0xa"), F("0xb"), F("0x10"), F("0x0")]));
        var cairo1 = decoder.Decode(Ev([Sel("Transfer"), F("0xa"), F("0xb")], [F("0x10"), F("0x0")]));

        Assert.Equal("declared", legacy.Layout);
        Assert.Equal("keys_first", cairo1.Layout);
        Assert.Equal(CairoJson.EventPayloadJson(legacy), CairoJson.EventPayloadJson(cairo1));
    }

    [Fact]
    public void Fee_transfers_of_the_recorded_block_decode()
    {
        using var document = JsonDocument.Parse(TestData.Read("starknet", "rpc", "sepolia", "getBlockWithReceipts_3100000.json"));
        var block = document.RootElement.GetProperty("result").Deserialize(Ciro.Starknet.Rpc.Json.StarknetJsonContext.Default.BlockWithReceipts)!;
        var decoder = new EventDecoder(StandardAbis.Erc20);

        foreach (var tx in block.Transactions)
        {
            var transfer = decoder.Decode(Assert.Single(tx.Receipt.Events));
            Assert.Equal("legacy_all_data", transfer.Layout);
            Assert.Equal(block.SequencerAddress, transfer.Get<Felt>("to"));
            Assert.Equal(tx.Receipt.ActualFee.Amount.ToBigInteger(), transfer.Get<U256>("value").ToBigInteger());
        }
    }
}
