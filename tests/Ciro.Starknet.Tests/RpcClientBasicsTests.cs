using System.Text.Json;
using Ciro.Starknet.Rpc;

namespace Ciro.Starknet.Tests;

public sealed class RpcClientBasicsTests
{
    private static StarknetRpcClient Client(TestRpcServer server, int maxAttempts = 3) =>
        new(new HttpClient { BaseAddress = server.Url }, options: new StarknetRpcClientOptions
        {
            MaxAttempts = maxAttempts,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            MaxDelay = TimeSpan.FromMilliseconds(5),
        });

    [Fact]
    public async Task Block_with_receipts_from_recorded_sepolia_response()
    {
        await using var server = await TestRpcServer.StartAsync(
            TestRpcServer.Json(TestData.Read("starknet", "rpc", "sepolia", "getBlockWithReceipts_3100000.json")));
        var block = await Client(server).GetBlockWithReceiptsAsync(BlockId.Number(3_100_000));

        Assert.Equal(Felt.Parse("0x1640b846e71502526539c32c8420cd7cb0f28d83ece2e6e71aeaf7c97960bb2"), block.BlockHash);
        Assert.Equal(3_100_000UL, block.BlockNumber);
        Assert.Equal(3, block.Transactions.Count);
        Assert.Equal("FRI", block.Transactions[0].Receipt.ActualFee.Unit);
        Assert.Equal(792_705UL, block.Transactions[0].Receipt.ExecutionResources.L2Gas);

        using var request = JsonDocument.Parse(Assert.Single(server.Requests));
        Assert.Equal("starknet_getBlockWithReceipts", request.RootElement.GetProperty("method").GetString());
        Assert.Equal(3_100_000UL, request.RootElement.GetProperty("params").GetProperty("block_id").GetProperty("block_number").GetUInt64());
    }

    [Fact]
    public async Task Traces_and_state_update_from_recorded_responses_with_the_spec_params()
    {
        await using var server = await TestRpcServer.StartAsync(
            TestRpcServer.Json(TestData.Read("starknet", "rpc", "trace", "traceTransaction_invoke_sepolia_0x6a4a9c4f.json")),
            TestRpcServer.Json(TestData.Read("starknet", "rpc", "trace", "traceBlockTransactions_sepolia_0x42a4c6a4.json")),
            TestRpcServer.Json(TestData.Read("starknet", "rpc", "sepolia", "getStateUpdate_3100000.json")));
        var client = Client(server);
        var hash = Felt.Parse("0x6a4a9c4f");

        var trace = await client.TraceTransactionAsync(hash);
        var traces = await client.TraceBlockTransactionsAsync(BlockId.Number(99_000));
        var update = await client.GetStateUpdateAsync(BlockId.Number(3_100_000));

        Assert.Equal(Felt.Parse("0x143fe26927dd6a302522ea1cd6a821ab06b3753194acee38d88a85c93b3cbc6"), trace.ExecuteInvocation!.ContractAddress);
        Assert.Equal(7, traces.Count);
        Assert.Equal(3, update.StateDiff.StorageDiffs.Count);
        var requests = server.Requests.Select(r => JsonDocument.Parse(r).RootElement).ToList();
        Assert.Equal(["starknet_traceTransaction", "starknet_traceBlockTransactions", "starknet_getStateUpdate"],
            requests.Select(r => r.GetProperty("method").GetString()));
        Assert.Equal("0x6a4a9c4f", requests[0].GetProperty("params").GetProperty("transaction_hash").GetString());
        Assert.Equal(99_000UL, requests[1].GetProperty("params").GetProperty("block_id").GetProperty("block_number").GetUInt64());
        Assert.False(requests[1].GetProperty("params").TryGetProperty("trace_flags", out _));
        Assert.Equal(3_100_000UL, requests[2].GetProperty("params").GetProperty("block_id").GetProperty("block_number").GetUInt64());
    }

    [Fact]
    public async Task Scalar_methods_parse()
    {
        await using var server = await TestRpcServer.StartAsync(
            TestRpcServer.Json("""{"jsonrpc":"2.0","id":1,"result":4383371}"""),
            TestRpcServer.Json("""{"jsonrpc":"2.0","result":"0x534e5f5345504f4c4941","id":2}"""),
            TestRpcServer.Json("""{"jsonrpc":"2.0","id":3,"result":false}"""),
            TestRpcServer.Json("""{"jsonrpc":"2.0","id":4,"result":"0.10.3"}"""),
            TestRpcServer.Json("""{"jsonrpc":"2.0","id":5,"result":{"block_hash":"0x0ABC","block_number":7}}"""));
        var client = Client(server);

        Assert.Equal(4_383_371UL, await client.GetBlockNumberAsync());
        Assert.Equal("SN_SEPOLIA", (await client.GetChainIdAsync()).ToShortString());
        Assert.False((await client.GetSyncingAsync()).IsSyncing);
        Assert.Equal("0.10.3", await client.GetSpecVersionAsync());
        var head = await client.GetBlockHashAndNumberAsync();
        Assert.Equal(Felt.Parse("0xabc"), head.BlockHash);
        Assert.Equal(7UL, head.BlockNumber);
    }

    [Theory]
    [InlineData("latest", "\"latest\"")]
    [InlineData("l1", "\"l1_accepted\"")]
    [InlineData("pre", "\"pre_confirmed\"")]
    [InlineData("num", "{\"block_number\":42}")]
    [InlineData("hash", "{\"block_hash\":\"0xabc\"}")]
    public void BlockId_serialises_per_spec(string which, string expected)
    {
        var id = which switch
        {
            "latest" => BlockId.Latest,
            "l1" => BlockId.L1Accepted,
            "pre" => BlockId.PreConfirmed,
            "num" => BlockId.Number(42),
            _ => BlockId.Hash(Felt.Parse("0x0ABC")),
        };
        var json = JsonSerializer.Serialize(id);
        Assert.Equal(expected, json);
        Assert.Equal(id, JsonSerializer.Deserialize<BlockId>(json));
    }
}
