using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Tests;

/// <summary>starknet_getEvents: filters per spec semantics, and paging that returns every event exactly once.</summary>
public sealed class GetEventsTests(SimulatorFactory sim) : IClassFixture<SimulatorFactory>
{
    private const string JobManager = "0xbf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd";
    private const string CdcPool = "0x05f73c551dbfda890090c8ee89858992dfeea9794a63ad83e6b1706e9836aeba"; // padded on purpose

    private sealed record Ev(long Block, int Tx, int Index, string From, string[] Keys);

    /// <summary>Ground truth from the blocks' receipts, with the same filter applied by hand.</summary>
    private async Task<List<Ev>> FromReceiptsAsync(long from, long to, Func<Ev, bool> keep)
    {
        var all = new List<Ev>();
        for (var n = from; n <= to; n++)
        {
            var txs = (await sim.BlockAsync(n)).GetProperty("transactions").EnumerateArray().ToList();
            for (var t = 0; t < txs.Count; t++)
            {
                var i = 0;
                foreach (var e in txs[t].GetProperty("receipt").GetProperty("events").EnumerateArray())
                {
                    all.Add(new Ev(n, t, i++, e.GetProperty("from_address").GetString()!, e.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray()));
                }
            }
        }
        return all.Where(keep).ToList();
    }

    private async Task<(List<Ev> Events, int Pages)> PageAllAsync(object filterWithoutPaging, int chunk)
    {
        var events = new List<Ev>();
        string? token = null;
        var pages = 0;
        do
        {
            var filter = JsonSerializer.SerializeToNode(filterWithoutPaging)!.AsObject();
            filter["chunk_size"] = chunk;
            if (token is not null)
            {
                filter["continuation_token"] = token;
            }
            var page = await sim.ResultAsync("starknet_getEvents", new { filter });
            pages++;
            var batch = page.GetProperty("events").EnumerateArray().ToList();
            Assert.True(batch.Count <= chunk);
            events.AddRange(batch.Select(e => new Ev(e.GetProperty("block_number").GetInt64(), e.GetProperty("transaction_index").GetInt32(),
                e.GetProperty("event_index").GetInt32(), e.GetProperty("from_address").GetString()!,
                e.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray())));
            token = page.TryGetProperty("continuation_token", out var t) ? t.GetString() : null;
            Assert.True(token is null || batch.Count == chunk, "a token only follows a full page");
            Assert.True(pages < 10_000);
        } while (token is not null);
        return (events, pages);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(1024)]
    public async Task Paging_returns_every_event_exactly_once(int chunk)
    {
        var expected = await FromReceiptsAsync(10, 25, _ => true);
        var (actual, pages) = await PageAllAsync(new { from_block = new { block_number = 10 }, to_block = new { block_number = 25 } }, chunk);
        Assert.Equal(expected, actual, EvComparer.Instance);
        Assert.Equal((expected.Count + chunk - 1) / chunk, pages);
    }

    [Fact]
    public async Task Address_list_and_positional_keys_filter_per_spec()
    {
        var jobSubmitted = Selector.FromName("JobSubmitted").ToString();
        var jobAllocated = Selector.FromName("JobAllocated").ToString();
        // keys: position 0 in {JobSubmitted, JobAllocated}, position 1 any, position 2 = "0x0" (job_id.high)
        var expected = await FromReceiptsAsync(0, 30, e =>
            (e.From == JobManager || e.From == Felt.Parse(CdcPool).ToString())
            && (e.Keys[0] == jobSubmitted || e.Keys[0] == jobAllocated) && e.Keys.Length > 2 && e.Keys[2] == "0x0");
        var (actual, _) = await PageAllAsync(new
        {
            from_block = new { block_number = 0 },
            to_block = new { block_number = 30 },
            address = new[] { JobManager, CdcPool },
            keys = new[] { new[] { jobSubmitted, jobAllocated.ToUpperInvariant().Replace("0X", "0x") }, Array.Empty<string>(), new[] { "0x0" } },
        }, 13);
        Assert.NotEmpty(expected);
        Assert.Contains(actual, e => e.Keys[0] == jobAllocated);
        Assert.Equal(expected, actual, EvComparer.Instance);
    }

    [Fact]
    public async Task A_single_address_and_a_key_longer_than_the_event_match_nothing_extra()
    {
        var (onlyFeeToken, _) = await PageAllAsync(new { from_block = new { block_number = 0 }, to_block = new { block_number = 5 }, address = "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d" }, 500);
        Assert.All(onlyFeeToken, e => Assert.Equal(Selector.FromName("Transfer").ToString(), e.Keys[0]));
        var tooLong = Enumerable.Repeat(Array.Empty<string>(), 5).Append(new[] { "0x1" }).ToArray();
        var (none, _) = await PageAllAsync(new { from_block = new { block_number = 0 }, to_block = new { block_number = 5 }, keys = tooLong }, 500);
        Assert.Empty(none); // no event here has 6 keys
        var (unknown, _) = await PageAllAsync(new { address = "0x1234" }, 500);
        Assert.Empty(unknown);
    }

    [Fact]
    public async Task Errors_follow_the_spec()
    {
        await AssertErrorAsync(31, new { chunk_size = 5000 });
        await AssertErrorAsync(34, new { chunk_size = 10, keys = Enumerable.Repeat(Array.Empty<string>(), 17).ToArray() });
        await AssertErrorAsync(33, new { chunk_size = 10, continuation_token = "not-a-token" });
        await AssertErrorAsync(24, new { chunk_size = 10, from_block = new { block_number = 999_999 } });
        await AssertErrorAsync(24, new { chunk_size = 10, to_block = new { block_hash = "0x123" } });
        await AssertErrorAsync(-32602, new { chunk_size = 0 });

        // A token is bound to the filter that issued it.
        var page = await sim.ResultAsync("starknet_getEvents", new { filter = new { chunk_size = 2 } });
        var token = page.GetProperty("continuation_token").GetString();
        await AssertErrorAsync(33, new { chunk_size = 2, address = JobManager, continuation_token = token });
    }

    private async Task AssertErrorAsync(int code, object filter)
    {
        var response = await sim.RpcAsync("starknet_getEvents", new { filter });
        Assert.True(response.TryGetProperty("error", out var error), $"expected error {code}, got {response}");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
    }

    private sealed class EvComparer : IEqualityComparer<Ev>
    {
        public static readonly EvComparer Instance = new();
        public bool Equals(Ev? a, Ev? b) => a!.Block == b!.Block && a.Tx == b.Tx && a.Index == b.Index && a.From == b.From && a.Keys.SequenceEqual(b.Keys);
        public int GetHashCode(Ev e) => HashCode.Combine(e.Block, e.Tx, e.Index);
    }
}
