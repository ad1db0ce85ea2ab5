using Ciro.Starknet.Abi;
using static Ciro.Starknet.Tests.Abi.AbiTestSupport;

namespace Ciro.Starknet.Tests.Abi;

/// <summary>Every JobManager and CDCPool event of tests/TestData/starknet/ciro_events.md, with the felt layouts given
/// there, decoded with the contract ABIs in contracts/abi.</summary>
public sealed class CiroEventsTests
{
    private static readonly ContractAbi JobManager = RepoAbi("JobManager.abi.json");
    private static readonly ContractAbi CdcPool = RepoAbi("CDCPool.abi.json");
    private static readonly EventDecoder Decoder = new(JobManager, CdcPool);

    // (variant, keys[0] as published, keys after the selector, data, expected JSON payload)
    public static TheoryData<string, string, string[], string[], string> Events() => new()
    {
        { "JobSubmitted", "0x6d55535e1d86082976784918903388f9bcd278baa5451b44378853c34d33c9",
            ["0x5", "0x0", "0xc1"], ["0x3e8", "0x0"], """{"job_id":"5","client":"0xc1","payment":"1000"}""" },
        { "JobAssigned", "0x23ea1fed453a33547603d9e10041dd1af0e955eb05c4a1699dedf1d736d25e9",
            ["0x5", "0x0", "0xa1"], [], """{"job_id":"5","worker":"0xa1"}""" },
        { "JobCompleted", "0xa8b95e3ec1505e0c71fdd2b86ba776955c24ecf9487b65ac4ed449183643b7",
            ["0x5", "0x1", "0xa1"], [], """{"job_id":"340282366920938463463374607431768211461","worker":"0xa1"}""" },
        { "PaymentReleased", "0x1ea32daeef34e2f9a65b076b5a3121228280f128f5ba888309ac60ec5f74495",
            ["0x5", "0x0", "0xa1"], ["0x64", "0x0"], """{"job_id":"5","worker":"0xa1","amount":"100"}""" },
        { "ModelRegistered", "0x2474f33346a1e5cfe0f6bedbc1facc0224efeb1be69ea9160b8dd8886a100dd",
            ["0x9", "0x0", "0x0ABC"], [], """{"model_id":"9","owner":"0xabc"}""" },
        { "WorkerRegistered", "0xeceb0a4bcb59d7509a3790e77fd6ed0783a50fbf15cb0c77f243b7ae18c4e1",
            ["0x77", "0xa1"],
            ["0x50", "0x10", "0x100", "0x1000", "0x3e8", "0x41", "0x483130305f383047", "0x45504943", "0x0", "0x0"],
            """{"worker_id":{"value":"0x77"},"owner":"0xa1","capabilities":{"gpu_memory":80,"cpu_cores":16,"ram":256,"storage":4096,"bandwidth":1000,"capability_flags":65,"gpu_model":"0x483130305f383047","cpu_model":"0x45504943"},"stake_amount":"0"}""" },
        { "WorkerDeactivated", "0x1a16698bfb2a7e1fa0a12a28e42f46f9986df6c077b2a2cfacae7302e032a68",
            ["0x77"], ["0x69646c65"], """{"worker_id":{"value":"0x77"},"reason":"0x69646c65"}""" },
        { "WorkerReactivated", "0x19a222071e9f3622540b24ad4f4d6a7bc8617149f4af988a42217ba3db8537a",
            ["0x77"], [], """{"worker_id":{"value":"0x77"}}""" },
        { "StakeAdded", "0x150b3baf988d28fcf01c17c4a9ce1464b083c9345f2ab65cd7de90f0c45df03",
            ["0xa1"], ["0x10", "0x0", "0x30", "0x0"], """{"worker":"0xa1","amount":"16","total_stake":"48"}""" },
        { "UnstakeRequested", "0x30e831f6eecd98d3ef71007727da2ad14d6a8a5de846fa927cb6f9ee11ef3bd",
            ["0xa1"], ["0x10", "0x0", "0x6553f100"], """{"worker":"0xa1","amount":"16","unlock_time":1700000000}""" },
        { "UnstakeExecuted", "0x21b7f334bd79582e821fe0b627f8808279224949091b2e4a4bfb8968fe9ffc8",
            ["0xa1"], ["0x10", "0x0"], """{"worker":"0xa1","amount":"16"}""" },
        { "JobAllocated", "0x1fa5b3dc0d6ea6b8d1ddf01c7deabbd0d0c93d32edf0c15fc627657bae883d2",
            ["0x5", "0x0", "0x77"], ["0x5a", "0x3c"], """{"job_id":{"value":"5"},"worker_id":{"value":"0x77"},"confidence_score":90,"estimated_completion":60}""" },
        { "WorkerReserved", "0x70844997f42f54f702d9df49f791bf215cabc6df4594f812f5a5631a938d8d",
            ["0x77", "0x5", "0x0"], ["0xe10"], """{"worker_id":{"value":"0x77"},"job_id":{"value":"5"},"duration":3600}""" },
        { "WorkerReleased", "0x2399cbbdd4fbdeebdde0889fd169ba9cc1a6407460c92cfb013ed46c30926a5",
            ["0x77", "0x5", "0x0"], [], """{"worker_id":{"value":"0x77"},"job_id":{"value":"5"}}""" },
    };

    [Fact]
    public void Contract_abis_load_without_warnings()
    {
        Assert.Empty(JobManager.Warnings);
        Assert.Empty(CdcPool.Warnings);
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Decodes_ciro_event(string name, string selector, string[] keys, string[] data, string expectedJson)
    {
        Assert.Equal(F(selector), Sel(name));
        var decoded = Decoder.Decode(Ev([F(selector), .. keys.Select(F)], data.Select(F)));

        Assert.True(decoded.IsDecoded, decoded.Error);
        Assert.Equal(name, decoded.Name);
        Assert.Equal("declared", decoded.Layout);
        Assert.Equal(expectedJson, CairoJson.EventPayloadJson(decoded));
    }

    [Fact]
    public void Nested_performance_component_event_is_named_by_its_path()
    {
        var decoded = Decoder.Decode(Ev(
            [Sel("PerformanceEvent"), Sel("JobSampled"), F("0x5"), F("0x0"), F("0xa1")],
            [F("0x2"), F("0x1f4"), F("0x64")]));

        Assert.Equal("PerformanceEvent::JobSampled", decoded.Name);
        Assert.Equal(Sel("PerformanceEvent"), decoded.Selector);
        Assert.Equal("""{"job_id":"5","worker":"0xa1","stage":2,"duration":500,"sample_rate":100}""", CairoJson.EventPayloadJson(decoded));
    }

    [Fact]
    public void Flat_access_control_event_keeps_its_own_name()
    {
        var decoded = Decoder.Decode(Ev([Sel("RoleGranted")], [F("0x41444d494e"), F("0xa1"), F("0xa2")]));

        Assert.Equal("RoleGranted", decoded.Name);
        Assert.Equal(F("0xa2"), decoded.Get<Felt>("sender"));
    }

    [Fact]
    public void Event_of_a_known_selector_with_the_wrong_felt_count_stays_raw_with_a_reason()
    {
        var ev = Ev([Sel("JobSubmitted"), F("0x5")], [F("0x1")]);
        var decoded = Decoder.Decode(ev);

        Assert.False(decoded.IsDecoded);
        Assert.NotNull(decoded.Error);
        Assert.Same(ev, decoded.Raw);
        Assert.Equal($$"""{"keys":["{{Sel("JobSubmitted")}}","0x5"],"data":["0x1"]}""", CairoJson.EventPayloadJson(decoded));
    }

    [Fact]
    public void Unknown_event_is_raw_not_an_exception()
    {
        var decoded = Decoder.Decode(Ev([Sel("SomethingElse"), F("0x1")], []));
        Assert.False(decoded.IsDecoded);
        Assert.Equal("", decoded.Name);
        Assert.Equal(Sel("SomethingElse"), decoded.Selector);

        Assert.False(Decoder.Decode(Ev([], [])).IsDecoded);
    }
}
