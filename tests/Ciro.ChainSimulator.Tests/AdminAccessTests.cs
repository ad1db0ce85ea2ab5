using System.Net;
using System.Net.Http.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;

namespace Ciro.ChainSimulator.Tests;

/// <summary>The admin API changes the chain: absent unless Simulator:Admin:Enabled, and behind Simulator:Admin:Key
/// (X-Admin-Key) when one is set, as the AppHost sets it. JSON-RPC is unaffected.</summary>
public sealed class AdminAccessTests
{
    [Fact]
    public async Task Without_configuration_the_admin_api_does_not_exist_and_rpc_still_answers()
    {
        using var simulator = new SimulatorFactory(seed: 7, pregenerate: 3, settings: new() { ["Simulator:Admin:Enabled"] = "false" });
        Assert.Equal(HttpStatusCode.NotFound, (await simulator.Http.GetAsync("/admin/state")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await simulator.Http.PostAsJsonAsync("/admin/reorg", new { depth = 1 })).StatusCode);
        await simulator.ResultAsync("starknet_blockNumber"); // answers (no error)
    }

    [Fact]
    public async Task With_a_key_every_admin_route_needs_it()
    {
        const string key = "simulator-admin-key-for-this-test";
        using var simulator = new SimulatorFactory(seed: 7, pregenerate: 3, settings: new() { ["Simulator:Admin:Key"] = key });
        Assert.Equal(HttpStatusCode.Unauthorized, (await simulator.Http.GetAsync("/admin/state")).StatusCode);
        var head = (await simulator.ResultAsync("starknet_blockNumber")).GetInt64();
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/admin/advance") { Content = JsonContent.Create(new { blocks = 1 }) };
        wrong.Headers.Add("X-Admin-Key", key + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await simulator.Http.SendAsync(wrong)).StatusCode);
        Assert.Equal(head, (await simulator.ResultAsync("starknet_blockNumber")).GetInt64()); // nothing advanced

        using var right = new HttpRequestMessage(HttpMethod.Post, "/admin/advance") { Content = JsonContent.Create(new { blocks = 1 }) };
        right.Headers.Add("X-Admin-Key", key);
        Assert.Equal(HttpStatusCode.OK, (await simulator.Http.SendAsync(right)).StatusCode);
        Assert.Equal(head + 1, (await simulator.ResultAsync("starknet_blockNumber")).GetInt64());
    }
}
