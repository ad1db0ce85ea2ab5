using Ciro.Indexer.Tests.Infrastructure;
using Npgsql;

namespace Ciro.Indexer.Tests;

/// <summary>The performance monitor's events (nested in JobManager and CDCPool) and the MetricsRegistry's, a watched
/// contract by default, are stored and decoded like the CIRO events: every one the simulator emitted, by name, with
/// the fields of its ABI in the decoded JSONB.</summary>
public sealed class MonitorEventIndexingTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Every_monitor_and_registry_event_is_stored_with_its_decoded_fields()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 40, seed: 5, startTimestamp: 1_763_887_048,
            extra: ["--Simulator:MonitorSampleFloor=1", "--Simulator:MonitorSampleRate=4"]);
        // Mid-run: the rate goes to 1 (every call), the registry is paused over an hour boundary (10-minute blocks), then unpaused.
        await simulator.ScenarioAsync(new { name = "monitor", parameters = new { rate = 1 } });
        await simulator.AdvanceAsync(2);
        await simulator.ScenarioAsync(new { name = "monitor", parameters = new { registryPaused = true } });
        await simulator.AdvanceAsync(7);
        await simulator.ScenarioAsync(new { name = "monitor", parameters = new { registryPaused = false } });
        await simulator.AdvanceAsync(2);
        // Every job of worker 0 fails for a while: failed jobs are sampled with stage 2.
        await simulator.ScenarioAsync(new { name = "failing-worker", parameters = new { worker = 0 } });
        await simulator.AdvanceAsync(12);
        var head = await simulator.HeadAsync();
        var database = await postgres.NewDatabaseAsync();

        await using var indexer = await IndexerHost.StartAsync(database, simulator.RpcUrl);
        await StoredChain.WaitForCursorAsync(database, head, TimeSpan.FromSeconds(60), () => indexer.Log);

        var truth = (await simulator.StateAsync()).GetProperty("counts").GetProperty("eventsByName");
        var byName = new Dictionary<string, long>();
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select name, count(*) from ciro.events where name is not null group by name", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                byName[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        string[] monitor = ["CallSampled", "JobSampled", "SampleRateChanged", "RegistrySet", "CallsFlushed", "MonitorError"];
        string[] registry = ["ReporterApproved", "RoleGranted", "CallSamplePushed", "WorkerSamplePushed", "Paused", "Unpaused"];
        foreach (var name in monitor)
        {
            Assert.True(truth.GetProperty(name).GetInt64() > 0, $"the chain holds no {name}");
            Assert.Equal(truth.GetProperty(name).GetInt64(), byName.GetValueOrDefault($"PerformanceEvent::{name}"));
        }
        foreach (var name in registry)
        {
            Assert.True(truth.GetProperty(name).GetInt64() > 0, $"the chain holds no {name}");
            Assert.Equal(truth.GetProperty(name).GetInt64(), byName.GetValueOrDefault(name));
        }

        // The decoded JSONB holds the ABI's fields: rates as numbers, u256 job ids as decimal strings, felts as hex.
        Assert.Equal(0L, await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.events where name = 'PerformanceEvent::CallSampled'
              and not ((decoded->>'sample_rate')::int in (4, 1) and decoded ? 'selector' and decoded ? 'hour_count' and decoded ? 'block_timestamp')
            """));
        Assert.Equal(truth.GetProperty("SampleRateChanged").GetInt64(), await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.events where name = 'PerformanceEvent::SampleRateChanged'
              and (decoded->>'old_rate')::int = 4 and (decoded->>'new_rate')::int = 1
            """));
        Assert.True(await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.events where name = 'PerformanceEvent::JobSampled'
              and (decoded->>'stage')::int = 2 and (decoded->>'job_id')::numeric > 0 and decoded->>'worker' like '0x%'
            """) > 0, "a failed job's JobSampled (stage 2) is stored decoded");
        Assert.Equal(truth.GetProperty("MonitorError").GetInt64(), await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.events where name = 'PerformanceEvent::MonitorError'
              and decoded->>'code' = '0x' || encode(convert_to('FLUSH_FAILED', 'UTF8'), 'hex')
            """));
        Assert.Equal(truth.GetProperty("WorkerSamplePushed").GetInt64(), await StoredChain.ScalarAsync<long>(database, """
            select count(*) from ciro.events where name = 'WorkerSamplePushed'
              and decoded ?& array['reporter', 'worker', 'assigned', 'completed', 'failed', 'total_duration']
            """));
        // The keeper's calls are attributed by function name like the business calls.
        Assert.True(await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.tx_calls where function_name = 'flush_calls'") > 0);
        Assert.True(await StoredChain.ScalarAsync<long>(database, "select count(*) from ciro.tx_calls where function_name = 'fail_job'") > 0);
    }
}
