using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.LocalInfrastructure;
using Ciro.Messages;
using Ciro.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Ciro.Bench.Indexer;

internal static class IndexerBenchmark
{
    private const int EventsPerBlock = 100;
    private static readonly string[] Tables = ["blocks", "transactions", "tx_calls", "events"];

    public static async Task<int> RunAsync(int targetEvents)
    {
        var blocks = Math.Max(10, targetEvents / EventsPerBlock);
        await using var postgres = await LocalPostgres.StartAsync();
        Console.WriteLine($"bench indexer: PostgreSQL on 127.0.0.1:{postgres.Port}; simulator pre-generating {blocks:N0} blocks x ~{EventsPerBlock} events");

        // (a) the chain
        var (simulator, url) = await Processes.StartSimulatorAsync(blocks, EventsPerBlock, 600_000);
        using (simulator)
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var state = await http.GetFromJsonAsync<JsonElement>("/admin/state");
            var head = state.GetProperty("head").GetProperty("number").GetInt64();
            Console.WriteLine($"bench indexer: simulator ready: head {head}, {state.GetProperty("counts").GetProperty("events").GetInt64():N0} events");
            // Nothing unrelated inside the timed window: the simulator's RPC path is compiled (a real node is warm)
            // and its pre-generation has settled (background GC) before the indexer starts. Serving the blocks to
            // the indexer stays inside: that is real RPC cost.
            await WarmUpAsync(http, simulator.Id, head);

            // (b) the real indexer binary, backfill mode
            var database = await postgres.CreateDatabaseAsync("indexer");
            var simulatorCpuBefore = CpuSeconds(simulator.Id);
            var loadBefore = LoadAverage();
            var (seconds, wall, peakRss, breakdown) = await BackfillAsync(database, url + "/rpc", head);
            var simulatorCpu = CpuSeconds(simulator.Id) - simulatorCpuBefore;
            var events = await ScalarAsync(database, "select count(*) from ciro.events");
            var rate = events / seconds;
            Console.WriteLine($"bench indexer: backfilled {events:N0} events in {seconds:F2} s ({wall:F2} s with process start-up), {rate:N0} events/s, peak RSS {peakRss / 1048576.0:F0} MB");
            Console.WriteLine($"bench indexer: indexer {breakdown}; simulator serving CPU {simulatorCpu:F1} s; load average before {loadBefore} (other work on the machine)");

            // (c) the ceiling: the same rows, binary COPY straight into the same (empty) tables
            var ceilingSeconds = await CopyCeilingAsync(postgres, database);
            var ceiling = events / ceilingSeconds;
            Console.WriteLine($"bench indexer: COPY of the same rows took {ceilingSeconds:F2} s");

            var latency = await FollowLatencyAsync(postgres);
            Console.WriteLine(latency);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"indexer: {rate:F0} events/s, copy ceiling {ceiling:F0} events/s, ratio {rate / ceiling:F2}, peak RSS {peakRss / 1048576.0:F0} MB"));
        }
        return 0;
    }

    /// <summary>Asks for a few hundred blocks the way the indexer does (batches of 25), then waits until the
    /// simulator process uses less than 5% of a core.</summary>
    private static async Task WarmUpAsync(HttpClient http, int simulatorPid, long head)
    {
        var to = Math.Min(head, 299);
        for (long from = 0; from <= to; from += 25)
        {
            var batch = Enumerable.Range(0, (int)Math.Min(25, to - from + 1)).Select(i => new
            {
                jsonrpc = "2.0", id = i, method = "starknet_getBlockWithReceipts", @params = new object[] { new { block_number = from + i } },
            });
            using var response = await http.PostAsJsonAsync("/rpc", batch);
            await response.Content.ReadAsByteArrayAsync();
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var before = CpuSeconds(simulatorPid);
            await Task.Delay(500);
            if (CpuSeconds(simulatorPid) - before < 0.025)
            {
                break;
            }
        }
    }

    /// <summary>User + system CPU of a process (Linux /proc), in seconds.</summary>
    private static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static async Task<(double Seconds, double Wall, long PeakRss, string Breakdown)> BackfillAsync(string database, string rpc, long head)
    {
        var clock = Stopwatch.StartNew();
        using var run = Processes.StartIndexer(database, ["backfill", "--rpc", rpc, "--from", "0", "--to", head.ToString(CultureInfo.InvariantCulture)]);
        long peak = 0;
        var lastProgress = TimeSpan.Zero;
        while (!run.HasExited)
        {
            peak = Math.Max(peak, run.PeakResidentBytes());
            if (clock.Elapsed - lastProgress > TimeSpan.FromSeconds(2))
            {
                lastProgress = clock.Elapsed;
                var lastLine = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
                Console.WriteLine($"bench indexer: {clock.Elapsed.TotalSeconds:F0} s: {lastLine}");
            }
            await Task.Delay(50);
        }
        var wall = clock.Elapsed.TotalSeconds;
        var code = await run.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var done = run.Output.Split('\n').FirstOrDefault(l => l.StartsWith("backfill: done", StringComparison.Ordinal));
        if (code != 0 || done is null)
        {
            throw new InvalidOperationException($"backfill exited {code}: {run.Output}");
        }
        // "backfill: done through block N in S s": the indexer's own clock, without .NET start-up.
        var seconds = double.Parse(done.Split(" in ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        var breakdown = run.Output.Split('\n').FirstOrDefault(l => l.StartsWith("backfill: time: ", StringComparison.Ordinal))?["backfill: time: ".Length..].Trim() ?? "";
        return (seconds, wall, peak, breakdown);
    }

    private static async Task<double> CopyCeilingAsync(LocalPostgres postgres, string source)
    {
        var target = await postgres.CreateDatabaseAsync("ceiling");
        await using (var migrate = NpgsqlDataSource.Create(target))
        {
            await new SchemaMigrator(migrate, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        }
        var folder = Directory.CreateTempSubdirectory("ciro-bench-");
        try
        {
            await using (var from = new NpgsqlConnection(source))
            {
                await from.OpenAsync();
                foreach (var table in Tables)
                {
                    await using var file = File.Create(Path.Combine(folder.FullName, table));
                    await using var export = await from.BeginRawBinaryCopyAsync($"copy (select * from ciro.{table}) to stdout (format binary)");
                    await export.CopyToAsync(file);
                }
                await using var months = new NpgsqlCommand("select min(block_time), max(block_time) from ciro.blocks", from);
                await using var reader = await months.ExecuteReaderAsync();
                await reader.ReadAsync();
                var (min, max) = (reader.GetDateTime(0), reader.GetDateTime(1));
                await reader.CloseAsync();
                await using var to = new NpgsqlConnection(target);
                await to.OpenAsync();
                await using var ensure = new NpgsqlCommand("select ciro.ensure_partitions($1, $2)", to);
                ensure.Parameters.AddWithValue(min);
                ensure.Parameters.AddWithValue(max);
                await ensure.ExecuteNonQueryAsync();
            }
            await using var connection = new NpgsqlConnection(target);
            await connection.OpenAsync();
            var clock = Stopwatch.StartNew();
            await using var tx = await connection.BeginTransactionAsync();
            foreach (var table in Tables)
            {
                await using var file = File.OpenRead(Path.Combine(folder.FullName, table));
                await using var import = await connection.BeginRawBinaryCopyAsync($"copy ciro.{table} from stdin (format binary)");
                await file.CopyToAsync(import);
            }
            await tx.CommitAsync();
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Follow mode: the time from a block appearing at the node (the benchmark polls starknet_blockNumber
    /// every 5 ms) to the "blocks N..M committed" notification, for ~60 blocks.</summary>
    private static async Task<string> FollowLatencyAsync(LocalPostgres postgres)
    {
        var database = await postgres.CreateDatabaseAsync("follow");
        var (simulator, url) = await Processes.StartSimulatorAsync(20, 20, 250);
        using (simulator)
        using (var indexer = Processes.StartIndexer(database, ["--urls", $"http://127.0.0.1:{FreePort.Next()}"], new()
        {
            ["Starknet__RpcUrl"] = url + "/rpc",
            ["Indexer__PollInterval"] = "00:00:00.100",
            ["Logging__LogLevel__Default"] = "Warning",
        }))
        {
            var seen = new Dictionary<long, long>();
            var committed = new Dictionary<long, long>();
            await using var listen = new NpgsqlConnection(database + ";Pooling=false");
            // The indexer creates the schema; LISTEN works before the channel is ever used.
            await listen.OpenAsync();
            listen.Notification += (_, e) =>
            {
                var now = Stopwatch.GetTimestamp();
                var (from, to, _) = MessageSerializer.Deserialize<BlocksCommitted>(e.Payload);
                lock (committed)
                {
                    for (var n = from; n <= to; n++)
                    {
                        committed.TryAdd(n, now);
                    }
                }
            };
            await using (var command = new NpgsqlCommand($"listen {MessageChannels.Blocks.Postgres}", listen))
            {
                await command.ExecuteNonQueryAsync();
            }
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var waiter = Task.Run(async () =>
            {
                while (true)
                {
                    await listen.WaitAsync();
                }
            });
            var clock = Stopwatch.StartNew();
            long first = -1;
            while (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                using var response = await http.PostAsJsonAsync("/rpc", new { jsonrpc = "2.0", id = 1, method = "starknet_blockNumber" });
                var head = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetInt64();
                if (first < 0)
                {
                    first = head + 2; // blocks before the indexer caught up measure the backfill, not following
                }
                if (head >= first)
                {
                    seen.TryAdd(head, Stopwatch.GetTimestamp());
                }
                await Task.Delay(5);
            }
            await Task.Delay(1000);
            List<double> latencies;
            lock (committed)
            {
                latencies = seen.Where(p => committed.ContainsKey(p.Key))
                    .Select(p => Stopwatch.GetElapsedTime(p.Value, committed[p.Key]).TotalMilliseconds).Order().ToList();
            }
            if (latencies.Count == 0)
            {
                return "bench indexer: follow mode: no block was committed while following: " + indexer.Output;
            }
            var p50 = latencies[latencies.Count / 2];
            var p95 = latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(latencies.Count * 0.95) - 1)];
            return string.Create(CultureInfo.InvariantCulture,
                $"bench indexer: follow mode: {latencies.Count} blocks, produced -> committed and notified p50 {p50:F0} ms, p95 {p95:F0} ms (target < 500 ms; indexer polls every 100 ms)");
        }
    }
}
