using Ciro.ChainSimulator.Tests.Infrastructure;

namespace Ciro.ChainSimulator.Tests;

/// <summary>Backfill histories: N blocks of about M events each, built at start and on demand, and served whole.</summary>
public sealed class PregenerationTests
{
    [Fact]
    public async Task Start_up_builds_the_requested_history_and_reports_its_rate()
    {
        await using var sim = new SimulatorFactory(seed: 41, pregenerate: 100, eventsPerBlock: 400);
        var state = await sim.AdminAsync("/admin/state");
        var pregeneration = state.GetProperty("pregeneration");
        var events = pregeneration.GetProperty("events").GetInt64();
        Assert.Equal(100, pregeneration.GetProperty("blocks").GetInt64());
        Assert.InRange(events, 100 * 399, 100 * 480);
        Assert.True(pregeneration.GetProperty("eventsPerSecond").GetDouble() > 0);
        Assert.Equal(100, await sim.HeadAsync());

        var block = await sim.ResultAsync("starknet_getBlockWithTxHashes", new[] { new { block_number = 60 } });
        Assert.InRange(block.GetProperty("event_count").GetInt32(), 399, 480);
        Assert.True(block.GetProperty("transaction_count").GetInt32() <= 500, "the 500-transaction block limit holds");

        // The whole history pages out through getEvents with nothing lost.
        long paged = 0;
        string? token = null;
        do
        {
            var page = await sim.ResultAsync("starknet_getEvents", new { filter = new { from_block = new { block_number = 1 }, to_block = new { block_number = 100 }, chunk_size = 1024, continuation_token = token } });
            paged += page.GetProperty("events").GetArrayLength();
            token = page.TryGetProperty("continuation_token", out var t) ? t.GetString() : null;
        } while (token is not null);
        Assert.Equal(events, paged);
    }

    [Fact]
    public async Task Admin_pregenerate_appends_blocks_validates_input_and_keeps_the_chain_linked()
    {
        await using var sim = new SimulatorFactory(seed: 42, pregenerate: 2);
        var result = await sim.AdminAsync("/admin/pregenerate", new { blocks = 50, eventsPerBlock = 200 });
        Assert.Equal(50, result.GetProperty("blocks").GetInt64());
        Assert.Equal(52, await sim.HeadAsync());
        var parent = (await sim.ResultAsync("starknet_getBlockWithTxHashes", new[] { new { block_number = 2 } })).GetProperty("block_hash").GetString();
        var first = await sim.ResultAsync("starknet_getBlockWithTxHashes", new[] { new { block_number = 3 } });
        Assert.Equal(parent, first.GetProperty("parent_hash").GetString());

        var bad = await sim.Http.PostAsync("/admin/pregenerate", new StringContent("""{"blocks":0,"eventsPerBlock":-1}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadAsStringAsync();
        Assert.Contains("blocks", problem);
        Assert.Contains("eventsPerBlock", problem);
    }
}
