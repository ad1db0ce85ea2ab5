using System.Text;
using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Tests;

/// <summary>Errors arrive inside HTTP 200 with the spec's codes and messages; batches answer per request.</summary>
public sealed class RpcErrorTests(SimulatorFactory sim) : IClassFixture<SimulatorFactory>
{
    private const string JobManager = "0xbf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd";

    public static TheoryData<string, string, string> SpecErrors() => new()
    {
        { "BLOCK_NOT_FOUND", "starknet_getBlockWithTxHashes", """[{"block_number": 123456789}]""" },
        { "BLOCK_NOT_FOUND", "starknet_getBlockWithReceipts", """[{"block_hash": "0xdead"}]""" },
        { "TXN_HASH_NOT_FOUND", "starknet_getTransactionReceipt", """["0xabc"]""" },
        { "CONTRACT_NOT_FOUND", "starknet_call", """[{"contract_address": "0x1", "entry_point_selector": "0x2", "calldata": []}, "latest"]""" },
        { "ENTRYPOINT_NOT_FOUND", "starknet_call", $$"""[{"contract_address": "{{JobManager}}", "entry_point_selector": "0x2", "calldata": []}, "latest"]""" },
        { "PAGE_SIZE_TOO_BIG", "starknet_getEvents", """{"filter": {"chunk_size": 100000}}""" },
        { "INVALID_CONTINUATION_TOKEN", "starknet_getEvents", """{"filter": {"chunk_size": 1, "continuation_token": "AAAA"}}""" },
        { "TOO_MANY_KEYS_IN_FILTER", "starknet_getEvents", """{"filter": {"chunk_size": 1, "keys": [[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[]]}}""" },
    };

    [Theory]
    [MemberData(nameof(SpecErrors))]
    public async Task Spec_errors_carry_the_spec_code_and_message(string name, string method, string parameters)
    {
        var (code, message) = SpecSchemas.Instance.Error(name);
        var error = await ErrorAsync(method, parameters);
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Equal(message, error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("starknet_noSuchMethod", "[]", -32601)]
    [InlineData("starknet_getBlockWithTxHashes", "[]", -32602)]
    [InlineData("starknet_getBlockWithTxHashes", """["newest"]""", -32602)]
    [InlineData("starknet_getBlockWithTxHashes", """{"blockid": "latest"}""", -32602)]
    [InlineData("starknet_getTransactionReceipt", """["not-a-felt"]""", -32602)]
    public async Task Json_rpc_errors_for_unknown_methods_and_bad_params(string method, string parameters, int code)
    {
        Assert.Equal(code, (await ErrorAsync(method, parameters)).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Call_returns_the_job_count_of_the_requested_block()
    {
        var selector = Selector.FromName("get_job_count").ToString();
        var latest = await sim.ResultAsync("starknet_call", new object[] { new { contract_address = JobManager, entry_point_selector = selector, calldata = Array.Empty<string>() }, "latest" });
        var state = await sim.AdminAsync("/admin/state");
        Assert.Equal(state.GetProperty("jobs").GetProperty("submitted").GetInt64(), (long)Felt.Parse(latest[0].GetString()!).ToUInt64());
        Assert.Equal("0x0", latest[1].GetString());
        var genesis = await sim.ResultAsync("starknet_call", new object[] { new { contract_address = JobManager, entry_point_selector = selector, calldata = Array.Empty<string>() }, new { block_number = 0 } });
        Assert.Equal("0x0", genesis[0].GetString());
    }

    [Fact]
    public async Task Batches_answer_each_request_and_both_paths_serve_rpc()
    {
        const string batch = """
            [{"jsonrpc":"2.0","id":1,"method":"starknet_blockNumber"},
             {"jsonrpc":"2.0","id":"two","method":"starknet_nope"},
             {"jsonrpc":"2.0","method":"starknet_blockNumber"},
             {"jsonrpc":"2.0","id":3,"method":"starknet_getBlockWithTxHashes","params":[{"block_number":99999}]}]
            """;
        foreach (var path in new[] { "/", "/rpc" })
        {
            var response = await sim.Http.PostAsync(path, new StringContent(batch, Encoding.UTF8, "application/json"));
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var items = doc.RootElement.EnumerateArray().ToList();
            Assert.Equal(3, items.Count); // the notification gets no answer
            Assert.True(items[0].TryGetProperty("result", out _));
            Assert.Equal("two", items[1].GetProperty("id").GetString());
            Assert.Equal(-32601, items[1].GetProperty("error").GetProperty("code").GetInt32());
            Assert.Equal(24, items[2].GetProperty("error").GetProperty("code").GetInt32());
        }
        var parseError = await sim.Http.PostAsync("/rpc", new StringContent("{nope", Encoding.UTF8, "application/json"));
        using var parsed = JsonDocument.Parse(await parseError.Content.ReadAsStringAsync());
        Assert.Equal(-32700, parsed.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    private async Task<JsonElement> ErrorAsync(string method, string parameters)
    {
        var body = $$"""{"jsonrpc":"2.0","id":9,"method":"{{method}}","params":{{parameters}}}""";
        var response = await sim.Http.PostAsync("/rpc", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.TryGetProperty("error", out var error), $"expected an error, got {doc.RootElement}");
        Assert.False(doc.RootElement.TryGetProperty("result", out _));
        return error.Clone();
    }
}
