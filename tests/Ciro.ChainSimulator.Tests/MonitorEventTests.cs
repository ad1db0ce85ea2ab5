using System.Net.Http.Json;
using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;
using Ciro.Starknet;
using Ciro.Starknet.Abi;
using Ciro.Starknet.Rpc;

namespace Ciro.ChainSimulator.Tests;

/// <summary>
/// The instrumented JobManager and CDCPool and the MetricsRegistry as the simulator plays them: every event they
/// emit is decoded with the ABI files in contracts/abi (the layout must be exactly the declared one, so a field
/// changed in an ABI file, or in the simulator, fails here), and the monitor's numbers follow the Cairo rules.
/// The chain: floor 1 and rate 4 (many samples), 10-minute blocks (hourly flushes every 6 blocks), then the rate
/// changed to 8 in the middle of an hour, the registry paused over an hour boundary and unpaused again.
/// </summary>
public sealed class MonitorEventTests(MonitorChain chain) : IClassFixture<MonitorChain>
{
    private const string JobManager = MonitorChain.JobManager;
    private const string CdcPool = MonitorChain.CdcPool;
    private const string Registry = MonitorChain.Registry;

    private List<(EmittedEvent Event, DecodedEvent Decoded)> Events => chain.Events;
    private Dictionary<long, ulong> Timestamps => chain.Timestamps;
    private JsonElement State => chain.State;

    private IEnumerable<DecodedEvent> Named(string name) => Events.Where(e => e.Decoded.Name == name).Select(e => e.Decoded);

    private static ulong U(DecodedEvent e, string field) => e.Fields[field] switch
    {
        ulong u => u,
        Felt f => f.ToUInt64(),
        U256 u => (ulong)u.Low,
        var other => throw new InvalidOperationException($"{e.Name}.{field} is {other?.GetType().Name}"),
    };

    [Fact]
    public void Every_event_of_our_contracts_decodes_with_the_declared_layout_of_its_abi_file()
    {
        var ours = Events.Where(e => e.Event.FromAddress != Felt.Parse("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d")).ToList();
        var wrong = ours.Where(e => !e.Decoded.IsDecoded || e.Decoded.Layout != "declared")
            .Select(e => $"block {e.Event.BlockNumber} keys[0] {e.Event.Keys[0]}: {e.Decoded.Name} {e.Decoded.Layout} {e.Decoded.Error}")
            .Take(5).ToList();
        Assert.Empty(wrong);

        // The admin's counts by short name equal the decoded ones: nothing emitted is missed or invented.
        var decoded = ours.GroupBy(e => e.Decoded.Name.Split("::")[^1]).ToDictionary(g => g.Key, g => (long)g.Count());
        decoded["Transfer"] = Events.Count - ours.Count;
        var truth = State.GetProperty("counts").GetProperty("eventsByName").EnumerateObject()
            .Where(p => p.Value.GetInt64() > 0).ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(truth.OrderBy(p => p.Key), decoded.OrderBy(p => p.Key));
    }

    [Theory]
    [InlineData("PerformanceEvent::CallSampled")]
    [InlineData("PerformanceEvent::JobSampled")]
    [InlineData("PerformanceEvent::SampleRateChanged")]
    [InlineData("PerformanceEvent::RegistrySet")]
    [InlineData("PerformanceEvent::CallsFlushed")]
    [InlineData("PerformanceEvent::MonitorError")]
    [InlineData("ReporterApproved")]
    [InlineData("CallSamplePushed")]
    [InlineData("WorkerSamplePushed")]
    [InlineData("RoleGranted")]
    [InlineData("Paused")]
    [InlineData("Unpaused")]
    public void The_chain_emits_every_monitor_and_registry_event(string name) =>
        Assert.True(Named(name).Any(), $"no {name} in {Events.Count} events");

    [Fact]
    public void Every_sampled_event_carries_the_rate_in_force_and_a_key_divisible_by_it()
    {
        var changes = Named("PerformanceEvent::SampleRateChanged").ToList();
        Assert.Equal(2, changes.Count); // one per monitored contract
        Assert.All(changes, c => Assert.Equal((4UL, 8UL), (U(c, "old_rate"), U(c, "new_rate"))));
        var changeBlock = Events.First(e => e.Decoded.Name == "PerformanceEvent::SampleRateChanged").Event.BlockNumber;
        var changeIndex = Events.FindIndex(e => e.Decoded.Name == "PerformanceEvent::SampleRateChanged");
        for (var i = 0; i < Events.Count; i++)
        {
            var (ev, d) = Events[i];
            if (d.Name is not ("PerformanceEvent::CallSampled" or "PerformanceEvent::JobSampled"))
            {
                continue;
            }
            var expected = i < changeIndex ? 4UL : 8UL;
            Assert.Equal(expected, U(d, "sample_rate"));
            var key = d.Name.EndsWith("JobSampled", StringComparison.Ordinal)
                ? d.Get<U256>("job_id").Low
                : ev.TransactionHash.Low; // tx-hash sampling; job-keyed CallSampled below
            if (d.Name.EndsWith("JobSampled", StringComparison.Ordinal) || ev.FromAddress == Felt.Parse(CdcPool))
            {
                Assert.Equal(UInt128.Zero, key % (UInt128)expected);
            }
        }
        Assert.True(changeBlock > 40);
    }

    [Fact]
    public void Hour_counts_and_flushes_add_the_rate_of_each_sampled_call()
    {
        // hour_count after each CallSampled = the sum of the rates sampled for that contract, selector and hour so far.
        var running = new Dictionary<(Felt, Felt, ulong), ulong>();
        foreach (var (ev, d) in Events)
        {
            if (d.Name == "PerformanceEvent::CallSampled")
            {
                var key = (ev.FromAddress, d.Get<Felt>("selector"), U(d, "block_timestamp") / 3600);
                running[key] = running.GetValueOrDefault(key) + U(d, "sample_rate");
                Assert.Equal(running[key], U(d, "hour_count"));
                Assert.Equal(Timestamps[(long)ev.BlockNumber!.Value], U(d, "block_timestamp"));
                Assert.Equal(ev.BlockNumber, U(d, "block_number"));
            }
        }
        // Every flush of submit_ai_job (sampled only by CallSampled) pushes that hour's sum, and the registry's
        // CallSamplePushed just before it says the same.
        var submit = Selector.FromName("submit_ai_job");
        var flushes = 0;
        for (var i = 0; i < Events.Count; i++)
        {
            var (ev, d) = Events[i];
            if (d.Name != "PerformanceEvent::CallsFlushed" || d.Get<Felt>("selector") != submit)
            {
                continue;
            }
            flushes++;
            var hour = U(d, "hour");
            Assert.Equal(running[(ev.FromAddress, submit, hour)], U(d, "count"));
            Assert.Equal(Felt.Parse(Registry), d.Get<Felt>("registry"));
            var pushed = Events[i - 1].Decoded;
            Assert.Equal("CallSamplePushed", pushed.Name);
            Assert.Equal((ev.FromAddress, submit, hour, U(d, "count")),
                (pushed.Get<Felt>("reporter"), pushed.Get<Felt>("selector"), U(pushed, "hour"), U(pushed, "count")));
        }
        Assert.True(flushes >= 6, $"{flushes} hourly flushes of submit_ai_job");
    }

    [Fact]
    public void A_paused_registry_turns_the_flush_into_monitor_errors_not_reverts()
    {
        var errors = Named("PerformanceEvent::MonitorError").ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal(Felt.FromShortString("FLUSH_FAILED"), e.Get<Felt>("code")));
        var paused = Events.FindIndex(e => e.Decoded.Name == "Paused");
        var unpaused = Events.FindIndex(e => e.Decoded.Name == "Unpaused");
        var errorIndexes = Events.Select((e, i) => (e, i)).Where(x => x.e.Decoded.Name == "PerformanceEvent::MonitorError").Select(x => x.i).ToList();
        Assert.All(errorIndexes, i => Assert.InRange(i, paused, unpaused));
        Assert.DoesNotContain(Events.Take(unpaused).Skip(paused), e => e.Decoded.Name is "CallSamplePushed" or "WorkerSamplePushed");
    }

    [Fact]
    public void Failed_jobs_are_sampled_with_stage_2_and_durations_come_from_block_times()
    {
        var jobs = Named("PerformanceEvent::JobSampled").ToList();
        Assert.Contains(jobs, j => U(j, "stage") == 2);
        var assigned = new Dictionary<(Felt, ulong), ulong>();
        foreach (var (ev, d) in Events.Where(e => e.Decoded.Name == "PerformanceEvent::JobSampled"))
        {
            var job = (ev.FromAddress, (ulong)d.Get<U256>("job_id").Low);
            var time = Timestamps[(long)ev.BlockNumber!.Value];
            if (U(d, "stage") == 0)
            {
                Assert.Equal(0UL, U(d, "duration"));
                assigned[job] = time;
            }
            else if (assigned.TryGetValue(job, out var start))
            {
                Assert.Equal(time - start, U(d, "duration"));
            }
        }
    }

    [Fact]
    public void Worker_samples_pushed_each_hour_are_the_job_managers_running_stats()
    {
        var stats = new Dictionary<Felt, (ulong Assigned, ulong Completed, ulong Failed, ulong Total)>();
        var pushes = 0;
        foreach (var (ev, d) in Events)
        {
            if (d.Name == "PerformanceEvent::JobSampled" && ev.FromAddress == Felt.Parse(JobManager))
            {
                var worker = d.Get<Felt>("worker");
                var s = stats.GetValueOrDefault(worker);
                var rate = U(d, "sample_rate");
                stats[worker] = U(d, "stage") switch
                {
                    0 => s with { Assigned = s.Assigned + rate },
                    1 => s with { Completed = s.Completed + rate, Total = s.Total + U(d, "duration") * rate },
                    _ => s with { Failed = s.Failed + rate, Total = s.Total + U(d, "duration") * rate },
                };
            }
            else if (d.Name == "WorkerSamplePushed")
            {
                pushes++;
                var s = stats[d.Get<Felt>("worker")];
                Assert.Equal(s, (U(d, "assigned"), U(d, "completed"), U(d, "failed"), U(d, "total_duration")));
            }
        }
        Assert.True(pushes > 0);
    }

    [Fact]
    public async Task A_rate_that_is_not_a_multiple_of_the_floor_is_refused_naming_the_field()
    {
        await using var sim = new SimulatorFactory(seed: 32, pregenerate: 1);
        var response = await sim.Http.PostAsJsonAsync("/admin/scenario", new { name = "monitor", parameters = new { rate = 10 } });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("parameters.rate", text);
        Assert.Contains("multiple of the sample floor 16, got 10", text);
    }
}

/// <summary>The chain every test of <see cref="MonitorEventTests"/> reads, decoded once.</summary>
public sealed class MonitorChain : IAsyncLifetime
{
    public const string JobManager = "0xbf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd";
    public const string CdcPool = "0x5f73c551dbfda890090c8ee89858992dfeea9794a63ad83e6b1706e9836aeba";
    public const string Registry = "0x318e2cc5c1d4d0f6a1c4a7d1e5b9f3c2a8d6e4b0c7f1a3e5d9b2c6f8a0e4d71";

    private readonly SimulatorFactory _sim = new(seed: 31, pregenerate: 40, settings: new()
    {
        ["Simulator:MonitorSampleFloor"] = "1",
        ["Simulator:MonitorSampleRate"] = "4",
    });

    public List<(EmittedEvent Event, DecodedEvent Decoded)> Events { get; } = [];
    public Dictionary<long, ulong> Timestamps { get; } = [];
    public JsonElement State { get; private set; }

    public async Task InitializeAsync()
    {
        // Block 40 is at 6h40 past genesis; the rate changes at 41, the registry pauses at 43 and unpauses at 49.
        await _sim.AdminAsync("/admin/scenario", new { name = "monitor", parameters = new { rate = 8 } });
        await _sim.AdvanceAsync(2);
        await _sim.AdminAsync("/admin/scenario", new { name = "monitor", parameters = new { registryPaused = true } });
        await _sim.AdvanceAsync(6);
        await _sim.AdminAsync("/admin/scenario", new { name = "monitor", parameters = new { registryPaused = false } });
        await _sim.AdvanceAsync(10);
        await _sim.AdminAsync("/admin/scenario", new { name = "steady" });

        var decoder = new EventDecoder([], new Dictionary<Felt, ContractAbi>
        {
            [Felt.Parse(JobManager)] = Abi("JobManager"),
            [Felt.Parse(CdcPool)] = Abi("CDCPool"),
            [Felt.Parse(Registry)] = Abi("MetricsRegistry"),
        });
        var head = await _sim.HeadAsync();
        for (var n = 0; n <= head; n++)
        {
            var block = await _sim.BlockAsync(n);
            Timestamps[n] = block.GetProperty("timestamp").GetUInt64();
            foreach (var item in block.GetProperty("transactions").EnumerateArray())
            {
                foreach (var e in item.GetProperty("receipt").GetProperty("events").EnumerateArray())
                {
                    var ev = new EmittedEvent
                    {
                        FromAddress = Felt.Parse(e.GetProperty("from_address").GetString()!),
                        Keys = e.GetProperty("keys").EnumerateArray().Select(k => Felt.Parse(k.GetString()!)).ToArray(),
                        Data = e.GetProperty("data").EnumerateArray().Select(k => Felt.Parse(k.GetString()!)).ToArray(),
                        BlockNumber = (ulong)n,
                        TransactionHash = Felt.Parse(item.GetProperty("receipt").GetProperty("transaction_hash").GetString()!),
                    };
                    Events.Add((ev, decoder.Decode(ev)));
                }
            }
        }
        State = await _sim.AdminAsync("/admin/state");
    }

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private static ContractAbi Abi(string name) => ContractAbi.Load(Path.Combine(TestData.RepoRoot, "contracts", "abi", $"{name}.abi.json"), name);
}
