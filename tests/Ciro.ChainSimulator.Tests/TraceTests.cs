using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;
using Ciro.Starknet.Rpc;

namespace Ciro.ChainSimulator.Tests;

/// <summary>The trace API: spec-exact answers that agree with the receipts of the same transactions.</summary>
public sealed class TraceTests(SimulatorFactory sim) : IClassFixture<SimulatorFactory>
{
    private const string TraceApi = "starknet_trace_api_openrpc.json";
    private static SpecSchemas Spec => SpecSchemas.Instance;

    [Fact]
    public async Task Block_traces_match_the_trace_api_schema_for_every_block_id_kind()
    {
        var head = await sim.ResultAsync("starknet_blockHashAndNumber");
        object[] ids = [new { block_number = 0 }, new { block_number = 12 }, new { block_hash = head.GetProperty("block_hash").GetString() }, "latest", "l1_accepted"];
        foreach (var id in ids)
        {
            var traces = await sim.ResultAsync("starknet_traceBlockTransactions", new[] { id });
            SpecSchemas.AssertValid(Spec.MethodResult("starknet_traceBlockTransactions", TraceApi), traces, $"traceBlockTransactions({JsonSerializer.Serialize(id)})");
            Assert.True(traces.GetArrayLength() > 0);
        }
        var (block, reverted) = await FindRevertedAsync();
        var trace = await sim.ResultAsync("starknet_traceTransaction", new[] { reverted });
        SpecSchemas.AssertValid(Spec.MethodResult("starknet_traceTransaction", TraceApi), trace, $"traceTransaction({reverted}) in block {block}");
        Assert.True(trace.GetProperty("execute_invocation").TryGetProperty("revert_reason", out _));
    }

    [Fact]
    public async Task Every_trace_agrees_with_its_receipt_gas_events_calls_and_state_diff()
    {
        var checkedTransactions = 0;
        for (var n = 0; n <= 30; n++)
        {
            var block = await sim.BlockAsync(n);
            var traces = await sim.ResultAsync("starknet_traceBlockTransactions", new[] { new { block_number = n } });
            var items = block.GetProperty("transactions").EnumerateArray().ToList();
            Assert.Equal(items.Count, traces.GetArrayLength());
            for (var i = 0; i < items.Count; i++)
            {
                var receipt = items[i].GetProperty("receipt");
                var transaction = items[i].GetProperty("transaction");
                var trace = traces[i];
                Assert.Equal(receipt.GetProperty("transaction_hash").GetString(), trace.GetProperty("transaction_hash").GetString());
                var root = trace.GetProperty("trace_root");
                var resources = receipt.GetProperty("execution_resources");
                var traced = root.GetProperty("execution_resources");
                foreach (var r in new[] { "l1_gas", "l1_data_gas", "l2_gas" })
                {
                    Assert.Equal(resources.GetProperty(r).GetUInt64(), traced.GetProperty(r).GetUInt64());
                }

                // l1_data_gas = 64 × (storage entries + nonces).
                var diff = root.GetProperty("state_diff");
                var entries = diff.GetProperty("storage_diffs").EnumerateArray().Sum(d => d.GetProperty("storage_entries").GetArrayLength())
                    + diff.GetProperty("nonces").GetArrayLength();
                Assert.Equal(64UL * (ulong)entries, traced.GetProperty("l1_data_gas").GetUInt64());

                var execute = root.GetProperty("execute_invocation");
                var validateGas = Gas(root.GetProperty("validate_invocation"));
                var feeGas = Gas(root.GetProperty("fee_transfer_invocation"));
                if (receipt.GetProperty("execution_status").GetString() == "REVERTED")
                {
                    Assert.Equal(receipt.GetProperty("revert_reason").GetString(), execute.GetProperty("revert_reason").GetString());
                    continue;
                }
                Assert.Equal(resources.GetProperty("l2_gas").GetUInt64(), validateGas + Gas(execute) + feeGas);

                // The calls are the multicall's, in calldata order, and their gas is inside __execute__'s.
                var calldata = transaction.GetProperty("calldata").EnumerateArray().Select(f => f.GetString()!).ToList();
                var calls = execute.GetProperty("calls").EnumerateArray().ToList();
                Assert.Equal(Convert.ToInt32(calldata[0], 16), calls.Count);
                var position = 1;
                foreach (var call in calls)
                {
                    Assert.Equal(calldata[position], call.GetProperty("contract_address").GetString());
                    Assert.Equal(calldata[position + 1], call.GetProperty("entry_point_selector").GetString());
                    var length = Convert.ToInt32(calldata[position + 2], 16);
                    Assert.Equal(calldata.Skip(position + 3).Take(length), call.GetProperty("calldata").EnumerateArray().Select(f => f.GetString()!));
                    Assert.Equal(transaction.GetProperty("sender_address").GetString(), call.GetProperty("caller_address").GetString());
                    position += 3 + length;
                }
                Assert.True(calls.Aggregate(0UL, (sum, c) => sum + Gas(c)) < Gas(execute));

                // Every receipt event appears once in the trace, at its order, with the same keys and data.
                var tracedEvents = new[] { execute, root.GetProperty("fee_transfer_invocation") }
                    .SelectMany(SelfAndDescendants)
                    .SelectMany(inv => inv.GetProperty("events").EnumerateArray()
                        .Select(e => (Order: e.GetProperty("order").GetInt32(), From: inv.GetProperty("contract_address").GetString(), Event: e)))
                    .OrderBy(e => e.Order)
                    .ToList();
                var receiptEvents = receipt.GetProperty("events").EnumerateArray().ToList();
                Assert.Equal(Enumerable.Range(0, receiptEvents.Count), tracedEvents.Select(e => e.Order));
                for (var e = 0; e < receiptEvents.Count; e++)
                {
                    Assert.Equal(receiptEvents[e].GetProperty("from_address").GetString(), tracedEvents[e].From);
                    Assert.Equal(receiptEvents[e].GetProperty("keys").GetRawText(), tracedEvents[e].Event.GetProperty("keys").GetRawText());
                    Assert.Equal(receiptEvents[e].GetProperty("data").GetRawText(), tracedEvents[e].Event.GetProperty("data").GetRawText());
                }
                checkedTransactions++;
            }
        }
        Assert.True(checkedTransactions > 100, $"only {checkedTransactions} transactions checked");
    }

    [Fact]
    public async Task Our_client_reads_the_simulators_traces()
    {
        var client = new StarknetRpcClient(sim.CreateClient());
        var traces = await client.TraceBlockTransactionsAsync(BlockId.Number(12));
        var block = await client.GetBlockWithReceiptsAsync(BlockId.Number(12));
        Assert.Equal(block.Transactions.Select(t => t.Receipt.TransactionHash), traces.Select(t => t.TransactionHash));
        Assert.Equal(block.Transactions.Select(t => t.Receipt.ExecutionResources.L2Gas), traces.Select(t => t.TraceRoot.ExecutionResources.L2Gas));
        Assert.Equal(block.Transactions.Sum(t => t.Receipt.Events.Count), traces.Sum(t => t.TraceRoot.AllInvocations().Sum(i => i.Events.Count)));
        var one = await client.TraceTransactionAsync(traces[1].TransactionHash);
        Assert.Equal(traces[1].TraceRoot.AllInvocations().Count(), one.AllInvocations().Count());
    }

    [Fact]
    public async Task Pre_confirmed_blocks_and_initial_reads_are_refused_with_invalid_params()
    {
        var pending = await sim.RpcAsync("starknet_traceBlockTransactions", new[] { "pre_confirmed" });
        Assert.Equal(-32602, pending.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("pre_confirmed", pending.GetProperty("error").GetProperty("data").GetString());
        var flags = await sim.RpcAsync("starknet_traceBlockTransactions", new object[] { "latest", new[] { "RETURN_INITIAL_READS" } });
        Assert.Equal(-32602, flags.GetProperty("error").GetProperty("code").GetInt32());
        var missing = await sim.RpcAsync("starknet_traceBlockTransactions", new object[] { new { block_number = 1_000_000 } });
        Assert.Equal(24, missing.GetProperty("error").GetProperty("code").GetInt32());
    }

    private static ulong Gas(JsonElement invocation) => invocation.GetProperty("execution_resources").GetProperty("l2_gas").GetUInt64();

    private static IEnumerable<JsonElement> SelfAndDescendants(JsonElement invocation) =>
        new[] { invocation }.Concat(invocation.GetProperty("calls").EnumerateArray().SelectMany(SelfAndDescendants));

    private async Task<(long Block, string Hash)> FindRevertedAsync()
    {
        var head = await sim.HeadAsync();
        for (var n = head; n >= 0; n--)
        {
            foreach (var item in (await sim.BlockAsync(n)).GetProperty("transactions").EnumerateArray())
            {
                var receipt = item.GetProperty("receipt");
                if (receipt.GetProperty("execution_status").GetString() == "REVERTED")
                {
                    return (n, receipt.GetProperty("transaction_hash").GetString()!);
                }
            }
        }
        throw new InvalidOperationException("no reverted transaction");
    }
}
