using System.Text.Json.Nodes;
using Ciro.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ciro.Indexer.Tests.Infrastructure;

/// <summary>A Starknet node on 127.0.0.1 that serves recorded blocks: starknet_chainId (SN_SEPOLIA, where the
/// recordings come from; the indexer checks it before writing), starknet_blockNumber (the highest recorded block) and starknet_getBlockWithReceipts / starknet_getBlockWithTxHashes for the recorded numbers, single or
/// batched, every other block BLOCK_NOT_FOUND (24), every other method METHOD_NOT_FOUND. Real HTTP and the real
/// JSON-RPC envelope, so the indexer reads the recorded bytes exactly as a node sent them.</summary>
public sealed class RecordedNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<ulong, JsonNode> _blocks;

    public string RpcUrl { get; private set; } = "";

    private RecordedNode(IEnumerable<JsonNode> blockResults)
    {
        _blocks = blockResults.ToDictionary(b => b["block_number"]!.GetValue<ulong>());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(async context =>
        {
            var request = await JsonNode.ParseAsync(context.Request.Body);
            JsonNode response = request is JsonArray batch
                ? new JsonArray([.. batch.Select(r => Answer(r!))])
                : Answer(request!);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.ToJsonString());
        });
    }

    /// <summary>The <c>result</c> of a recorded getBlockWithReceipts file (path under tests/TestData).</summary>
    public static JsonNode Recorded(params string[] parts) => JsonNode.Parse(TestData.Read(parts))!["result"]!;

    /// <summary>Serves the given getBlockWithReceipts results (recorded, or recorded and edited by the test).</summary>
    public static async Task<RecordedNode> StartAsync(params JsonNode[] blocks)
    {
        var node = new RecordedNode(blocks);
        await node._app.StartAsync();
        var address = node._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        node.RpcUrl = address + "/rpc";
        return node;
    }

    private JsonObject Answer(JsonNode request)
    {
        var id = request["id"]?.DeepClone();
        var method = request["method"]?.GetValue<string>();
        switch (method)
        {
            case "starknet_chainId":
                return Result(id, JsonValue.Create("0x534e5f5345504f4c4941"));
            case "starknet_blockNumber":
                return Result(id, JsonValue.Create(_blocks.Keys.Max()));
            case "starknet_getBlockWithReceipts" or "starknet_getBlockWithTxHashes":
                var number = request["params"]?["block_id"]?["block_number"]?.GetValue<ulong>();
                if (number is { } n && _blocks.TryGetValue(n, out var block))
                {
                    return Result(id, method == "starknet_getBlockWithReceipts" ? block.DeepClone() : WithTxHashes(block));
                }
                return Error(id, 24, "Block not found");
            default:
                return Error(id, -32601, $"Method not found: {method}");
        }
    }

    private static JsonNode WithTxHashes(JsonNode block)
    {
        var copy = block.DeepClone().AsObject();
        copy["transactions"] = new JsonArray([.. block["transactions"]!.AsArray().Select(t => t!["receipt"]!["transaction_hash"]!.DeepClone())]);
        return copy;
    }

    private static JsonObject Result(JsonNode? id, JsonNode? result) => new() { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result };

    private static JsonObject Error(JsonNode? id, int code, string message) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
