using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Indexer.Tests.Infrastructure;

namespace Ciro.Indexer.Tests;

/// <summary>The class history: the contracts deployed at genesis and an upgrade (replace_class) stored from the
/// state updates with each class's Sierra and compiler versions; a reorg that moves the upgrade leaves one row, in
/// its new block.</summary>
public sealed class ContractClassIndexingTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static async Task<JsonElement> RpcAsync(Simulator simulator, string method, object parameters)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(simulator.RpcUrl, new { jsonrpc = "2.0", id = 1, method, @params = parameters });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("result").Clone();
    }

    [Fact]
    public async Task Deployments_and_an_upgrade_are_stored_with_class_versions_and_follow_a_reorg()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 20, seed: 8, startTimestamp: 1_763_887_048);
        await simulator.ScenarioAsync(new { name = "upgrade", parameters = new { contract = "JobManager", function = "submit_job_result", gasFactor = 0.7 } });
        await simulator.AdvanceAsync(6);
        var database = await postgres.NewDatabaseAsync();
        await using var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl);
        await StoredChain.WaitForCursorAsync(database, await simulator.HeadAsync(), TimeSpan.FromSeconds(60), () => indexer.Log);

        var genesis = await RpcAsync(simulator, "starknet_getStateUpdate", new object[] { new { block_number = 0 } });
        var jobManager = genesis.GetProperty("state_diff").GetProperty("deployed_contracts")[0].GetProperty("address").GetString()!;
        Assert.Equal(4L, await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.contract_classes where block_number = 0 and change = 'deployed'"));
        Assert.Equal("21 replaced", await StoredChain.ScalarAsync<string>(database,
            $"select string_agg(block_number || ' ' || change, ',') from ciro.contract_classes where contract = ciro.felt_bytes('{jobManager}') and change = 'replaced'"));
        var upgraded = (await RpcAsync(simulator, "starknet_getClassHashAt", new object[] { "latest", jobManager })).GetString()!;
        Assert.Equal(upgraded, await StoredChain.ScalarAsync<string>(database,
            "select ciro.felt_hex(class_hash) from ciro.contract_classes where change = 'replaced'"));
        Assert.Equal("1.7.0 2.12.0 0.1.0", await StoredChain.ScalarAsync<string>(database,
            $"select sierra_version || ' ' || compiler_version || ' ' || contract_class_version from ciro.classes where class_hash = ciro.felt_bytes('{upgraded}')"));
        Assert.Equal(4L, await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.classes where sierra_version = '1.6.0' and compiler_version = '2.8.2'"));

        // A reorg of the last 7 blocks (20..26) rebuilds them under the scenario in force: the upgrade is now in block 20.
        await simulator.ReorgAsync(7);
        await simulator.AdvanceAsync(1);
        var head = await simulator.HeadAsync();
        await StoredChain.WaitForCursorAsync(database, head, TimeSpan.FromSeconds(60), () => indexer.Log);
        for (var attempt = 0; attempt < 100 && await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.blocks where block_number = 21 and block_hash = ciro.felt_bytes('" + (await simulator.BlockAsync(21)).Hash + "')") == 0; attempt++)
        {
            await Task.Delay(100);
        }
        Assert.Equal("20 replaced", await StoredChain.ScalarAsync<string>(database,
            $"select string_agg(block_number || ' ' || change, ',') from ciro.contract_classes where contract = ciro.felt_bytes('{jobManager}') and change = 'replaced'"));
    }
}
