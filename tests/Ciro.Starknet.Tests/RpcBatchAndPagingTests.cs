using System.Text.Json;
using Ciro.Starknet.Rpc;
using Microsoft.AspNetCore.Http;

namespace Ciro.Starknet.Tests;

public sealed class RpcBatchAndPagingTests
{
    private static StarknetRpcClient Client(TestRpcServer server) =>
        new(new HttpClient { BaseAddress = server.Url }, options: new StarknetRpcClientOptions
        {
            MaxAttempts = 2,
            BaseDelay = TimeSpan.FromMilliseconds(1),
        });

    /// <summary>Answers a batch with one minimal block per request, in reverse order, to prove re-ordering by id.</summary>
    private static async Task ReversedBatch(HttpContext context, string body)
    {
        using var request = JsonDocument.Parse(body);
        var answers = request.RootElement.EnumerateArray().Reverse().Select(call =>
        {
            var number = call.GetProperty("params").GetProperty("block_id").GetProperty("block_number").GetUInt64();
            return $$"""{"jsonrpc":"2.0","id":{{call.GetProperty("id").GetInt64()}},"result":{{Block(number)}}}""";
        });
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("[" + string.Join(",", answers) + "]");
    }

    private static string Block(ulong number) =>
        $$"""{"block_hash":"0x{{number:x}}","parent_hash":"0x{{number - 1:x}}","block_number":{{number}},"timestamp":1,"sequencer_address":"0x1","l1_gas_price":{"price_in_fri":"0x1","price_in_wei":"0x1"},"l1_data_gas_price":{"price_in_fri":"0x1","price_in_wei":"0x1"},"l2_gas_price":{"price_in_fri":"0x1","price_in_wei":"0x1"},"status":"ACCEPTED_ON_L2","transactions":[]}""";

    [Fact]
    public async Task Batch_is_one_request_and_results_come_back_in_asked_order()
    {
        await using var server = await TestRpcServer.StartAsync(ReversedBatch);
        ulong[] numbers = [10, 11, 12, 13, 14];

        var blocks = await Client(server).GetBlocksWithReceiptsAsync(numbers);

        Assert.Equal(numbers, blocks.Select(b => b.BlockNumber));
        Assert.Equal(1, server.RequestCount);
        using var request = JsonDocument.Parse(Assert.Single(server.Requests));
        Assert.Equal(JsonValueKind.Array, request.RootElement.ValueKind);
        Assert.Equal(5, request.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Rejected_batch_falls_back_to_sequential_calls()
    {
        await using var server = await TestRpcServer.StartAsync(async (context, body) =>
        {
            context.Response.ContentType = "application/json";
            if (body.TrimStart().StartsWith('['))
            {
                await context.Response.WriteAsync("""{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batches not supported"}}""");
                return;
            }
            using var call = JsonDocument.Parse(body);
            var number = call.RootElement.GetProperty("params").GetProperty("block_id").GetProperty("block_number").GetUInt64();
            await context.Response.WriteAsync($$"""{"jsonrpc":"2.0","id":{{call.RootElement.GetProperty("id").GetInt64()}},"result":{{Block(number)}}}""");
        });
        var client = Client(server);

        var blocks = await client.GetBlocksWithReceiptsAsync([7, 8, 9]);

        Assert.Equal([7UL, 8UL, 9UL], blocks.Select(b => b.BlockNumber));
        Assert.True(client.BatchUnsupported);
        Assert.Equal(4, server.RequestCount);
        await client.GetBlocksWithReceiptsAsync([1, 2]);
        Assert.Equal(6, server.RequestCount);
    }

    [Fact]
    public async Task A_malformed_single_object_answer_is_a_fault_not_a_batch_rejection()
    {
        var broken = true;
        await using var server = await TestRpcServer.StartAsync(async (context, body) =>
        {
            context.Response.ContentType = "application/json";
            if (broken)
            {
                broken = false;
                await context.Response.WriteAsync("""{"jsonrpc":"2.0","id":1,"result":{"block_hash":""");
                return;
            }
            using var request = JsonDocument.Parse(body);
            var answers = request.RootElement.EnumerateArray().Select(c =>
                $$"""{"jsonrpc":"2.0","id":{{c.GetProperty("id").GetInt64()}},"result":{{Block(c.GetProperty("params").GetProperty("block_id").GetProperty("block_number").GetUInt64())}}}""");
            await context.Response.WriteAsync("[" + string.Join(",", answers) + "]");
        });
        var client = Client(server);

        await Assert.ThrowsAsync<StarknetProtocolException>(() => client.GetBlocksWithReceiptsAsync([7, 8, 9]));
        Assert.False(client.BatchUnsupported);
        var blocks = await client.GetBlocksWithReceiptsAsync([7, 8, 9]);
        Assert.Equal([7UL, 8UL, 9UL], blocks.Select(b => b.BlockNumber));
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task Error_for_one_block_in_a_batch_fails_the_call_with_its_type()
    {
        await using var server = await TestRpcServer.StartAsync(async (context, body) =>
        {
            using var request = JsonDocument.Parse(body);
            var ids = request.RootElement.EnumerateArray().Select(c => c.GetProperty("id").GetInt64()).ToList();
            await context.Response.WriteAsync(
                $$"""[{"jsonrpc":"2.0","id":{{ids[0]}},"result":{{Block(1)}} },{"jsonrpc":"2.0","id":{{ids[1]}},"error":{"code":24,"message":"Block not found"} }]""");
        });

        await Assert.ThrowsAsync<BlockNotFoundException>(() => Client(server).GetBlocksWithReceiptsAsync([1, 2]));
    }

    [Fact]
    public async Task Events_are_paged_with_the_opaque_token_passed_back_verbatim()
    {
        const string token = "3-17/opaque==";
        await using var server = await TestRpcServer.StartAsync(
            TestRpcServer.Json($$"""{"jsonrpc":"2.0","id":1,"result":{"events":[{{Emitted(1)}},{{Emitted(2)}}],"continuation_token":"{{token}}"} }"""),
            TestRpcServer.Json($$"""{"jsonrpc":"2.0","id":2,"result":{"events":[{{Emitted(3)}}] } }"""));
        var filter = new EventFilter
        {
            FromBlock = 100,
            ToBlockId = BlockId.Latest,
            Addresses = [Felt.Parse("0xbf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd")],
            Keys = [[Selector.FromName("JobSubmitted"), Selector.FromName("JobAssigned")], []],
        };

        var events = await Client(server).GetAllEventsAsync(filter, 2).ToListAsync();

        Assert.Equal([1, 2, 3], events.Select(e => e.EventIndex!.Value));
        var requests = server.Requests.Select(r => JsonDocument.Parse(r).RootElement.GetProperty("params").GetProperty("filter")).ToList();
        Assert.False(requests[0].TryGetProperty("continuation_token", out _));
        Assert.Equal(token, requests[1].GetProperty("continuation_token").GetString());
        Assert.Equal(2, requests[0].GetProperty("chunk_size").GetInt32());
        Assert.Equal(100UL, requests[0].GetProperty("from_block").GetProperty("block_number").GetUInt64());
        Assert.Equal("latest", requests[0].GetProperty("to_block").GetString());
        Assert.Equal("0xbf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd", requests[0].GetProperty("address").GetString());
        Assert.Equal(2, requests[0].GetProperty("keys")[0].GetArrayLength());
        Assert.Equal(0, requests[0].GetProperty("keys")[1].GetArrayLength());
    }

    [Fact]
    public async Task Several_addresses_are_sent_as_a_list()
    {
        await using var server = await TestRpcServer.StartAsync(
            TestRpcServer.Json("""{"jsonrpc":"2.0","id":1,"result":{"events":[]}}"""));

        await Client(server).GetEventsAsync(new EventFilter { Addresses = [Felt.One, (Felt)2UL] }, 10);

        using var request = JsonDocument.Parse(Assert.Single(server.Requests));
        var address = request.RootElement.GetProperty("params").GetProperty("filter").GetProperty("address");
        Assert.Equal(["0x1", "0x2"], address.EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Repeated_continuation_token_stops_instead_of_looping()
    {
        await using var server = await TestRpcServer.StartAsync(
            TestRpcServer.Json($$"""{"jsonrpc":"2.0","id":1,"result":{"events":[{{Emitted(1)}}],"continuation_token":"same"} }"""));

        await Assert.ThrowsAsync<StarknetProtocolException>(
            async () => await Client(server).GetAllEventsAsync(new EventFilter(), 1).ToListAsync());
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task Call_sends_request_and_block_id_and_returns_felts()
    {
        await using var server = await TestRpcServer.StartAsync(
            TestRpcServer.Json("""{"jsonrpc":"2.0","id":1,"result":["0x2A","0x0"]}"""));

        var result = await Client(server).CallAsync(
            FunctionCall.Create(Felt.Parse("0x123"), "balance_of", Felt.Parse("0x456")), BlockId.Hash(Felt.Parse("0xabc")));

        Assert.Equal([(Felt)42UL, Felt.Zero], result);
        using var request = JsonDocument.Parse(Assert.Single(server.Requests));
        var parameters = request.RootElement.GetProperty("params");
        Assert.Equal(Selector.FromName("balance_of").ToString(), parameters.GetProperty("request").GetProperty("entry_point_selector").GetString());
        Assert.Equal("0xabc", parameters.GetProperty("block_id").GetProperty("block_hash").GetString());
    }

    private static string Emitted(int index) =>
        $$"""{"from_address":"0x1","keys":["0x99cd8bde557814842a3121e8ddfd433a539b8c9f14bf31ebf108d12e6196e9"],"data":[],"block_number":5,"block_hash":"0x5","transaction_hash":"0x9","transaction_index":0,"event_index":{{index}}}""";
}
