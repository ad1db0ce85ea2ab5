using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Indexer.Tests.Infrastructure;
using Ciro.LocalInfrastructure;

namespace Ciro.Indexer.Tests;

/// <summary>
/// A node that serves one block undecodable on every request (the simulator's Simulator:UndecodableBlocks: each event's
/// data ends with "0xnot-a-felt"): the indexer stores the answer raw with the reason, counts and logs it once, moves
/// past it and indexes every other block exactly; the operator routes list the block and return the node's answer.
/// </summary>
public sealed class UndecodableBlockTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const long Bad = 12;
    private const string AdminKey = "test-admin-key-0123456789abcdef";

    [Fact]
    public async Task An_undecodable_block_is_stored_raw_counted_and_skipped_and_indexing_goes_on()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 30, eventsPerBlock: 4, extra: [$"--Simulator:UndecodableBlocks:0={Bad}"]);
        var database = await postgres.NewDatabaseAsync();
        var head = await simulator.HeadAsync();
        var truth = await simulator.BlockAsync(Bad);
        Assert.True(truth.EventCount > 0, "the bad block has no event to spoil");

        await using (var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl, new() { ["Indexer:BatchSize"] = "10" }))
        {
            await StoredChain.WaitForCursorAsync(database, head, TimeSpan.FromSeconds(60), () => indexer.Log);
            // Blocks keep coming after the skip, and are indexed too.
            await simulator.AdvanceAsync(3);
            await StoredChain.WaitForCursorAsync(database, head + 3, TimeSpan.FromSeconds(30), () => indexer.Log);

            Assert.Equal(1, indexer.Sum("ciro.indexer.undecodable_blocks"));
            var skippedLines = indexer.Log.Split('\n').Where(l => l.Contains($"Block {Bad} (") && l.Contains("cannot be decoded and was skipped")).ToList();
            Assert.Single(skippedLines);
        }
        head += 3;

        // Every other block exactly as the node has it; nothing of the bad one but its raw answer.
        Assert.Equal(head, await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.blocks"));
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database, $"select count(*) from ciro.blocks where block_number = {Bad}"));
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database, $"select count(*) from ciro.events where block_number = {Bad}"));
        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, Bad + 1, head);
        await StoredChain.AssertMatchesSimulatorAsync(database, simulator, 0, Bad - 1);
        Assert.Equal((await simulator.StateAsync()).GetProperty("counts").GetProperty("events").GetInt64() - truth.EventCount,
            await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.events"));

        // The operator routes, served by a second (standby) indexer process on the same database.
        var port = FreePort.Next();
        using var service = new ChildProcess("dotnet", [Paths.IndexerDll, "--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>
        {
            ["ConnectionStrings__ciro"] = database,
            ["Starknet__RpcUrl"] = simulator.RpcUrl,
            ["Ciro__Auth__BootstrapAdminKey"] = AdminKey,
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var list = await WaitForAnswerAsync(http, "/admin/undecodable-blocks", AdminKey, () => service.Output);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var blocks = await list.Content.ReadFromJsonAsync<JsonElement>();
        var block = Assert.Single(blocks.EnumerateArray());
        Assert.Equal((ulong)Bad, block.GetProperty("blockNumber").GetUInt64());
        Assert.Equal(truth.Hash, block.GetProperty("blockHash").GetString());
        Assert.Equal(truth.ParentHash, block.GetProperty("parentHash").GetString());
        var reason = block.GetProperty("reason").GetString()!;
        Assert.StartsWith($"block {Bad}: ", reason);
        Assert.Contains("0xnot-a-felt", reason);

        using var raw = await SendAsync(http, $"/admin/undecodable-blocks/{Bad}", AdminKey);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        var answer = await raw.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(truth.Hash, answer.GetProperty("block_hash").GetString());
        Assert.Equal(block.GetProperty("rawBytes").GetInt64(), (await raw.Content.ReadAsByteArrayAsync()).Length);
        var events = answer.GetProperty("transactions").EnumerateArray().SelectMany(t => t.GetProperty("receipt").GetProperty("events").EnumerateArray()).ToList();
        Assert.Equal(truth.EventCount, events.Count);
        Assert.All(events, e => Assert.Equal("0xnot-a-felt", e.GetProperty("data").EnumerateArray().Last().GetString()));

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, $"/admin/undecodable-blocks/{Bad + 1}", AdminKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "/admin/undecodable-blocks", null)).StatusCode);
        using var badLimit = await SendAsync(http, "/admin/undecodable-blocks?limit=0", AdminKey);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal("limit", (await badLimit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        return await http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> WaitForAnswerAsync(HttpClient http, string path, string key, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return await SendAsync(http, path, key);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            catch (HttpRequestException ex)
            {
                throw new TimeoutException($"the indexer never answered {path}: {diagnostics()}", ex);
            }
        }
    }
}
