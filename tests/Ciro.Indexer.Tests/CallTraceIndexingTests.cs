using Ciro.Indexer.Tests.Infrastructure;

namespace Ciro.Indexer.Tests;

/// <summary>Per-call traces and state-diff sizes from the trace API, stored with the blocks they belong to, and
/// their absence when the node does not serve it.</summary>
public sealed class CallTraceIndexingTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Every_call_of_every_trace_is_stored_and_agrees_with_the_receipts()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 40, seed: 11, startTimestamp: 1_763_887_048);
        var head = await simulator.HeadAsync();
        var database = await postgres.NewDatabaseAsync();
        await using (var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl))
        {
            await StoredChain.WaitForCursorAsync(database, head, TimeSpan.FromSeconds(90), () => indexer.Log);
            Assert.Contains("serves the trace API", indexer.Log);
        }

        var transactions = await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.transactions");
        var reverted = await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.transactions where execution_status = 'REVERTED'");
        Assert.True(transactions > 300, $"{transactions} transactions");
        Assert.True(reverted > 0, "the chain has reverted transactions");

        // One state diff per transaction; l1_data_gas = 64 × (unique storage keys + nonce updates), as the simulator bills.
        Assert.Equal(transactions, await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.tx_state_diffs"));
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.tx_state_diffs d join ciro.transactions t using (block_number, tx_index)
            where d.l1_data_gas <> t.l1_data_gas or d.l1_data_gas <> 64 * (d.storage_keys + d.nonce_updates) or d.nonce_updates <> 1
            """));

        // Validate + execute + fee transfer roots add up to the receipt's L2 gas (successful transactions).
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.transactions t
            join (select block_number, tx_index, sum(l2_gas) as gas from ciro.call_traces where depth = 0 group by 1, 2) c using (block_number, tx_index)
            where t.execution_status = 'SUCCEEDED' and c.gas <> t.l2_gas
            """));
        // The execute phase's direct calls are the multicall's calls that ciro.tx_calls holds, same contract and selector.
        Assert.Equal(await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.tx_calls c join ciro.transactions t using (block_number, tx_index) where t.execution_status = 'SUCCEEDED'
            """), await StoredChain.ScalarAsync<long>(database, """
            select count(*) from (
              select block_number, tx_index, contract, selector,
                     (row_number() over (partition by block_number, tx_index order by call_id) - 1)::int as call_index
              from ciro.call_traces where phase = 'execute' and depth = 1) ct
            join ciro.tx_calls c using (block_number, tx_index, call_index, contract, selector)
            """));
        // Every receipt event is in exactly one call.
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.transactions t
            join (select block_number, tx_index, sum(event_count) as events from ciro.call_traces group by 1, 2) c using (block_number, tx_index)
            where c.events <> t.event_count
            """));
        // A reverted transaction: one execute row with the receipt's reason, nothing under it.
        Assert.Equal(reverted, await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.call_traces ct join ciro.transactions t using (block_number, tx_index)
            where ct.phase = 'execute' and ct.reverted and ct.revert_reason = t.revert_reason and ct.function_name = '__execute__'
            """));
        // Entry points are named from the watched contracts' ABIs; nested calls sit under their caller.
        Assert.True(await StoredChain.ScalarAsync<long>(database,
            "select count(*) from ciro.call_traces where function_name = 'submit_job_result' and depth = 1 and l2_gas > 1500000") > 0);
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.call_traces c join ciro.call_traces p
              on p.block_number = c.block_number and p.tx_index = c.tx_index and p.call_id = c.parent_id
            where p.depth <> c.depth - 1 or p.contract <> c.caller or p.l2_gas < c.l2_gas
            """));
        Assert.True(await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.call_traces c join ciro.call_traces p
              on p.block_number = c.block_number and p.tx_index = c.tx_index and p.call_id = c.parent_id
            where c.function_name = 'push_call_sample' and p.function_name = 'flush_calls'
            """) > 0, "the registry's push_call_sample is stored under the keeper's flush_calls");
    }

    [Fact]
    public async Task Without_the_trace_api_blocks_are_indexed_and_no_trace_rows_are_written()
    {
        // The simulator in the v0.7 shape does not serve the trace API: "method not found".
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 12, seed: 11, rpcShape: "v0_7", startTimestamp: 1_763_887_048);
        var head = await simulator.HeadAsync();
        var database = await postgres.NewDatabaseAsync();
        await using var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl, new() { ["Indexer:BatchSize"] = "5" });
        await StoredChain.WaitForCursorAsync(database, head, TimeSpan.FromSeconds(90), () => indexer.Log);

        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.call_traces"));
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.tx_state_diffs"));
        Assert.True(await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.tx_calls") > 0);
        // Asked once, logged once; the blocks of that first batch are counted.
        Assert.Single(indexer.Log.Split('\n'), l => l.Contains("does not serve starknet_traceBlockTransactions", StringComparison.Ordinal));
        Assert.Equal(5.0, indexer.Sum("ciro.indexer.blocks_without_traces"));
    }
}
