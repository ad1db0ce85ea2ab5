using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Tests;

/// <summary>Every CIRO event kind the chain emits has exactly the felt layout ciro_events.md gives.</summary>
public sealed class CiroEventLayoutTests(SimulatorFactory sim) : IClassFixture<SimulatorFactory>
{
    private const string JobManager = "0xbf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd";
    private const string CdcPool = "0x5f73c551dbfda890090c8ee89858992dfeea9794a63ad83e6b1706e9836aeba";

    [Fact]
    public void The_table_lists_all_fourteen_emittable_events() => Assert.Equal(14, CiroEventTable.Rows.Count);

    public static TheoryData<string> EventNames() => new(CiroEventTable.Rows.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(EventNames))]
    public async Task Each_event_kind_appears_with_the_documented_layout(string name)
    {
        var row = CiroEventTable.Rows.Single(r => r.Name == name);
        Assert.Equal(row.Selector, Selector.FromName(name).ToString());

        var events = await EventsAsync(row.Selector);
        Assert.True(events.Count > 0, $"{name} never emitted in the first {await sim.HeadAsync()} blocks");
        foreach (var e in events)
        {
            var keys = e.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray();
            var data = e.GetProperty("data").EnumerateArray().Select(k => k.GetString()!).ToArray();
            Assert.Equal(row.Selector, keys[0]);
            Assert.Equal(row.KeyLayout.Length, keys.Length);
            Assert.Equal(row.DataLayout.Length, data.Length);
            Assert.Equal(row.Contract == "JobManager" ? JobManager : CdcPool, e.GetProperty("from_address").GetString());
            // Every u256 is [low, high] with high 0 here (amounts and ids stay below 2^128).
            for (var i = 0; i < row.KeyLayout.Length; i++)
            {
                if (row.KeyLayout[i].EndsWith(".high", StringComparison.Ordinal))
                {
                    Assert.Equal("0x0", keys[i]);
                }
            }
            for (var i = 0; i < row.DataLayout.Length; i++)
            {
                if (row.DataLayout[i].EndsWith(".high", StringComparison.Ordinal) || row.DataLayout[i].StartsWith("stake.", StringComparison.Ordinal))
                {
                    Assert.Equal("0x0", data[i]); // WorkerRegistered's stake_amount is always emitted as 0
                }
            }
        }
    }

    /// <summary>The key order differs between events (job before worker in JobAllocated, worker first in WorkerReserved):
    /// the same job and worker must appear in the documented positions of both.</summary>
    [Fact]
    public async Task Allocation_events_order_job_and_worker_as_declared()
    {
        var allocated = (await EventsAsync(Selector.FromName("JobAllocated").ToString()))[0];
        var reserved = (await EventsAsync(Selector.FromName("WorkerReserved").ToString()))
            .First(e => e.GetProperty("transaction_hash").GetString() == allocated.GetProperty("transaction_hash").GetString());
        var a = allocated.GetProperty("keys");
        var r = reserved.GetProperty("keys");
        Assert.Equal(a[1].GetString(), r[2].GetString()); // job_id.low
        Assert.Equal(a[3].GetString(), r[1].GetString()); // worker_id
    }

    [Fact]
    public async Task Every_transaction_pays_a_cairo1_fee_transfer_to_the_sequencer_even_when_reverted()
    {
        var transfer = Selector.FromName("Transfer").ToString();
        var sawReverted = false;
        for (var n = 0; n <= 40; n++)
        {
            foreach (var item in (await sim.BlockAsync(n)).GetProperty("transactions").EnumerateArray())
            {
                var receipt = item.GetProperty("receipt");
                var fee = receipt.GetProperty("events").EnumerateArray().Last();
                var keys = fee.GetProperty("keys");
                Assert.Equal("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d", fee.GetProperty("from_address").GetString());
                Assert.Equal(transfer, keys[0].GetString());
                Assert.Equal(item.GetProperty("transaction").GetProperty("sender_address").GetString(), keys[1].GetString());
                Assert.Equal("0x1176a1bd84444c89232ec27754698e5d2e7e1a7f1539f12027f28b23ec9f3d8", keys[2].GetString());
                Assert.Equal(receipt.GetProperty("actual_fee").GetProperty("amount").GetString(), fee.GetProperty("data")[0].GetString());
                Assert.Equal("0x0", fee.GetProperty("data")[1].GetString());
                if (receipt.GetProperty("execution_status").GetString() == "REVERTED")
                {
                    sawReverted = true;
                    Assert.Equal(1, receipt.GetProperty("events").GetArrayLength());
                }
            }
        }
        Assert.True(sawReverted, "the history should contain a reverted submit_job_result");
    }

    [Fact]
    public async Task Calldata_is_a_cairo1_multicall_whose_calls_target_the_emitting_contracts()
    {
        var block = await sim.BlockAsync(12);
        foreach (var item in block.GetProperty("transactions").EnumerateArray())
        {
            var calldata = item.GetProperty("transaction").GetProperty("calldata").EnumerateArray().Select(c => Felt.Parse(c.GetString()!)).ToArray();
            var calls = (int)calldata[0].ToUInt64();
            var offset = 1;
            var targets = new List<string>();
            for (var c = 0; c < calls; c++)
            {
                targets.Add(calldata[offset].ToString());
                var length = (int)calldata[offset + 2].ToUInt64();
                offset += 3 + length;
            }
            Assert.Equal(calldata.Length, offset);
            var emitters = item.GetProperty("receipt").GetProperty("events").EnumerateArray().SkipLast(1)
                .Select(e => e.GetProperty("from_address").GetString()!);
            Assert.All(emitters, e => Assert.Contains(e, targets));
        }
    }

    private async Task<List<JsonElement>> EventsAsync(string selector)
    {
        var page = await sim.ResultAsync("starknet_getEvents", new
        {
            filter = new { from_block = new { block_number = 0 }, to_block = "latest", keys = new[] { new[] { selector } }, chunk_size = 1000 },
        });
        return page.GetProperty("events").EnumerateArray().ToList();
    }
}
