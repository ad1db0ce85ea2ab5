using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ciro.Messages;
using Npgsql;

namespace Ciro.Bench.Soak;

/// <summary>The options of one soak (bench/run soak --minutes N --clients N --users N --warm-up N); WarmUpMinutes null =
/// the default warm-up (a third of the run, at most 15 min).</summary>
internal sealed record SoakOptions(double Minutes, int Clients, int Users, int BlockIntervalMs, double? WarmUpMinutes = null);

/// <summary>
/// Runs the stack at peak load for the given minutes and measures it. Lags are "age of the oldest block not yet
/// processed": the time since the simulator first reported block h+1 as its head (polled every 250 ms), where h is the
/// newest block the indexer stored (indexer lag) or the rollups covered (rollup lag), polled every second; 0 when
/// caught up. Every 10 s a CSV row takes the window's p99 (lags) and p95 (API, push, alert evaluation) and each
/// service's RSS, GC heap and collections.
/// </summary>
internal sealed partial class SoakRun(SoakOptions options, string root, string output)
{
    private const int SampleSeconds = 10;
    private static readonly string[] Ciro = ["indexer", "analytics", "alerts", "web"];

    private readonly Recorder _recorder = new();
    private readonly ConcurrentDictionary<long, long> _headSeenAt = new();
    private readonly ConcurrentDictionary<(long From, long To), long> _notifiedAt = new();
    private readonly ConcurrentQueue<string> _errorSamples = new();
    private readonly CancellationTokenSource _stop = new();
    private long _errors;
    private long _head = -1, _indexed = -1, _rolled = -1;

    private void Log(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    private void Error(string what)
    {
        Interlocked.Increment(ref _errors);
        if (_errorSamples.Count < 50)
        {
            _errorSamples.Enqueue($"{DateTime.UtcNow:HH:mm:ss} {what}");
        }
    }

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(output);
        Log($"soak: {options.Minutes} min, {options.Clients} dashboard clients ({options.Users} users), {options.BlockIntervalMs} ms blocks; output {output}");
        await using var stack = await SoakStack.StartAsync(root, options.Users, options.BlockIntervalMs, Log);
        foreach (var service in stack.Services)
        {
            var name = service.Name;
            service.Process.Line += line => OnServiceLine(name, line);
        }
        var counters = stack.Services.ToDictionary(s => s.Name, s => new RuntimeCounters(s.Process.Id, SampleSeconds));
        try
        {
            var background = new List<Task>
            {
                PollHeadAsync(stack.Simulator.Url),
                ListenAsync(stack.Postgres.ConnectionString(stack.Database)),
                PollProgressAsync(stack.Postgres.ConnectionString(stack.Database)),
            };
            await stack.SetScenarioAsync(new { name = "peak" });
            Log("simulator on peak: 500 transactions a block");
            await using var load = new DashboardLoad(stack.Web.Url, stack.Users, options.Clients, _recorder, _notifiedAt, Error);
            await load.StartAsync(TimeSpan.FromMinutes(5));
            Log($"{load.Connected} dashboard clients connected");

            var startIndexed = Interlocked.Read(ref _indexed);
            var clock = Stopwatch.StartNew();
            var rows = new List<Dictionary<string, double>>();
            var end = TimeSpan.FromMinutes(options.Minutes);
            while (clock.Elapsed < end)
            {
                await Task.Delay(TimeSpan.FromSeconds(SampleSeconds));
                var exited = stack.Services.FirstOrDefault(s => s.Process.HasExited);
                rows.Add(await SampleAsync(stack, counters, load, clock.Elapsed));
                var r = rows[^1];
                Log(string.Create(CultureInfo.InvariantCulture,
                    $"{r["t_min"]:F1} min: head {r["head"]}, indexer lag {r["indexer_lag_blocks"]} blocks / {r["indexer_lag_s_p99"]:F1} s, rollup lag {r["rollup_lag_s_p99"]:F1} s, API p95 {r["api_p95_ms"]:F0} ms, push p95 {r["push_p95_ms"]:F0} ms, errors {r["errors"]}, load {r["load1"]:F1}"));
                if (exited is not null)
                {
                    Error($"{exited.Name} exited");
                    Log($"{exited.Name} exited: stopping the soak");
                    break;
                }
            }
            var elapsed = clock.Elapsed;
            var transactions = await TransactionsSinceAsync(stack.Postgres.ConnectionString(stack.Database), startIndexed);
            await _stop.CancelAsync();
            await Task.WhenAll(background).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { });
            return Report(rows, elapsed, transactions, load.Shed);
        }
        finally
        {
            foreach (var c in counters.Values)
            {
                c.Dispose();
            }
        }
    }

    [GeneratedRegex(@"Evaluated (\d+) rules in (\d+) ms")]
    private static partial Regex EvaluatedLine();

    /// <summary>Console logger lines: "fail:"/"crit:" open an error entry; the alerts' evaluation timing line.</summary>
    private void OnServiceLine(string service, string line)
    {
        if (line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal))
        {
            Error($"{service}: {line}");
        }
        else if (service == "alerts" && EvaluatedLine().Match(line) is { Success: true } m)
        {
            _recorder.Add("alert_eval_ms", double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }
    }

    private async Task PollHeadAsync(string simulatorUrl)
    {
        using var http = new HttpClient { BaseAddress = new Uri(simulatorUrl), Timeout = TimeSpan.FromSeconds(10) };
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.PostAsync("/rpc",
                    new StringContent("""{"jsonrpc":"2.0","id":1,"method":"starknet_blockNumber","params":[]}""", Encoding.UTF8, "application/json"), _stop.Token);
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_stop.Token));
                var head = json.RootElement.GetProperty("result").GetInt64();
                var now = Stopwatch.GetTimestamp();
                for (var n = Interlocked.Read(ref _head) + 1; n <= head; n++)
                {
                    _headSeenAt.TryAdd(n, now);
                }
                Interlocked.Exchange(ref _head, Math.Max(head, Interlocked.Read(ref _head)));
                await Task.Delay(250, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
                Error($"simulator head poll: {e.Message}");
                await Task.Delay(1000).ConfigureAwait(false);
            }
        }
    }

    /// <summary>LISTENs to the indexer's BlocksCommitted NOTIFY, as analytics and alerts do: the start of the push path.</summary>
    private async Task ListenAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(_stop.Token);
            connection.Notification += (_, e) =>
            {
                var now = Stopwatch.GetTimestamp();
                if (MessageSerializer.Deserialize(MessageChannels.Blocks, e.Payload) is BlocksCommitted b)
                {
                    _notifiedAt[(b.From, b.To)] = now;
                }
            };
            await using (var listen = new NpgsqlCommand($"LISTEN {MessageChannels.Blocks.Postgres}", connection))
            {
                await listen.ExecuteNonQueryAsync(_stop.Token);
            }
            while (!_stop.IsCancellationRequested)
            {
                await connection.WaitAsync(_stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task PollProgressAsync(string connectionString)
    {
        await using var data = NpgsqlDataSource.Create(connectionString);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var command = data.CreateCommand(
                    "select coalesce((select max(block_number) from ciro.blocks), -1), coalesce((select max(block_number) from ciro.rollup_blocks), -1)");
                await using var reader = await command.ExecuteReaderAsync(_stop.Token);
                await reader.ReadAsync(_stop.Token);
                var (indexed, rolled) = (reader.GetInt64(0), reader.GetInt64(1));
                Interlocked.Exchange(ref _indexed, indexed);
                Interlocked.Exchange(ref _rolled, rolled);
                var head = Interlocked.Read(ref _head);
                _recorder.Add("indexer_lag_s", AgeOfBlock(indexed + 1, head));
                _recorder.Add("rollup_lag_s", AgeOfBlock(rolled + 1, head));
                _recorder.Add("indexer_lag_blocks", Math.Max(0, head - indexed));
                await Task.Delay(1000, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException e)
            {
                // Before the indexer's migrations the tables do not exist yet.
                if (Interlocked.Read(ref _indexed) >= 0)
                {
                    Error($"progress poll: {e.Message}");
                }
                await Task.Delay(1000).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Seconds since the simulator first reported <paramref name="block"/>; 0 if it is not on the chain yet.</summary>
    private double AgeOfBlock(long block, long head) =>
        block <= head && _headSeenAt.TryGetValue(block, out var seen) ? Stopwatch.GetElapsedTime(seen).TotalSeconds : 0;

    private async Task<Dictionary<string, double>> SampleAsync(SoakStack stack, Dictionary<string, RuntimeCounters> counters, DashboardLoad load, TimeSpan elapsed)
    {
        var row = new Dictionary<string, double>
        {
            ["t_min"] = elapsed.TotalMinutes,
            ["load1"] = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture),
            ["head"] = Interlocked.Read(ref _head),
            ["indexed"] = Interlocked.Read(ref _indexed),
            ["rolled"] = Interlocked.Read(ref _rolled),
            ["indexer_lag_blocks"] = Math.Max(0, Interlocked.Read(ref _head) - Interlocked.Read(ref _indexed)),
            ["indexer_lag_s_p99"] = Recorder.Percentile(_recorder.Drain("indexer_lag_s"), 0.99),
            ["rollup_lag_s_p99"] = Recorder.Percentile(_recorder.Drain("rollup_lag_s"), 0.99),
            ["push_p95_ms"] = Recorder.Percentile(_recorder.Drain(DashboardLoad.PushSeries), 0.95),
            ["alert_eval_p95_ms"] = Recorder.Percentile(_recorder.Drain("alert_eval_ms"), 0.95),
            ["errors"] = Interlocked.Read(ref _errors) + Interlocked.Read(ref load.Errors),
            ["shed"] = Interlocked.Read(ref load.Shed),
            ["hubs_connected"] = load.Connected,
        };
        _recorder.Drain("indexer_lag_blocks");
        var api = new List<double>();
        foreach (var series in _recorder.Series.Where(s => s.StartsWith(DashboardLoad.ApiPrefix, StringComparison.Ordinal)).Order())
        {
            var values = _recorder.Drain(series);
            api.AddRange(values);
            row["api_p95_ms " + series[DashboardLoad.ApiPrefix.Length..]] = Recorder.Percentile(values, 0.95);
        }
        row["api_p95_ms"] = Recorder.Percentile(api, 0.95);
        try
        {
            await using var connection = new NpgsqlConnection(stack.Postgres.ConnectionString(stack.Database));
            await connection.OpenAsync();
            await using var size = new NpgsqlCommand("select pg_database_size(current_database())", connection);
            row["pg_mb"] = (long)(await size.ExecuteScalarAsync())! / 1048576.0;
        }
        catch (NpgsqlException e)
        {
            Error($"database size: {e.Message}");
            row["pg_mb"] = double.NaN;
        }
        foreach (var service in stack.Services)
        {
            var c = counters[service.Name];
            row[$"rss_mb {service.Name}"] = ResidentMegabytes(service.Process.Id);
            row[$"gc_heap_mb {service.Name}"] = c.HeapMegabytes;
            row[$"gc_committed_mb {service.Name}"] = c.CommittedMegabytes;
            row[$"gc_time_pct {service.Name}"] = c.TimeInGcPercent;
            row[$"gc0 {service.Name}"] = c.Collections(0);
            row[$"gc1 {service.Name}"] = c.Collections(1);
            row[$"gc2 {service.Name}"] = c.Collections(2);
        }
        return row;
    }

    private static double ResidentMegabytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? double.NaN : long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    private static async Task<long> TransactionsSinceAsync(string connectionString, long afterBlock)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select coalesce(sum(tx_count), 0)::bigint from ciro.blocks where block_number > $1", connection);
        command.Parameters.AddWithValue(afterBlock);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Minutes excluded from the growth slopes: start-up, JIT tiering, pools and caches filling. A third of the run,
    /// at most 15 min (a 60-minute soak fits its slope on minutes 15-60), unless --warm-up says otherwise: the alerts
    /// service's window cache fills for as long as its longest rule read (50 minutes with the shipped rules), so a run
    /// meant to show its memory holds needs a warm-up past that.
    /// </summary>
    private double WarmUpMinutes(List<Dictionary<string, double>> rows) =>
        rows.Count == 0 ? 0 : options.WarmUpMinutes ?? Math.Min(15, rows[^1]["t_min"] / 3);

    /// <summary>Least-squares slope of one column (a service's RSS or GC heap, MB) after warm-up, in MB/h.</summary>
    private double GrowthPerHour(List<Dictionary<string, double>> rows, string column)
    {
        var warm = WarmUpMinutes(rows);
        var points = rows.Where(r => r["t_min"] >= warm && r.TryGetValue(column, out var v) && double.IsFinite(v))
            .Select(r => (X: r["t_min"] / 60, Y: r[column])).ToList();
        if (points.Count < 3)
        {
            return double.NaN;
        }
        var (mx, my) = (points.Average(p => p.X), points.Average(p => p.Y));
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        return sxx == 0 ? double.NaN : points.Sum(p => (p.X - mx) * (p.Y - my)) / sxx;
    }

    /// <summary>
    /// growth.csv: per service, RSS and GC heap at the end of warm-up and at the end, and both slopes after warm-up. RSS
    /// rising with a flat GC heap is the runtime keeping memory (GC budget, native buffers); both rising is a leak.
    /// </summary>
    private string GrowthCsv(List<Dictionary<string, double>> rows)
    {
        var warm = WarmUpMinutes(rows);
        var after = rows.Where(r => r["t_min"] >= warm).ToList();
        var csv = new StringBuilder("service,warm_up_min,rss_mb_after_warm_up,rss_mb_end,rss_mb_per_h,gc_heap_mb_after_warm_up,gc_heap_mb_end,gc_heap_mb_per_h,gc_committed_mb_end,gc_committed_mb_per_h\n");
        foreach (var service in Ciro.Append("chain"))
        {
            string At(int i, string column) => after.Count == 0 ? "" : after[i][column].ToString("0.#", CultureInfo.InvariantCulture);
            string Slope(string column) => GrowthPerHour(rows, column) is var g && double.IsFinite(g) ? g.ToString("0.#", CultureInfo.InvariantCulture) : "";
            csv.AppendLine(string.Join(',', service, warm.ToString("0.#", CultureInfo.InvariantCulture),
                At(0, $"rss_mb {service}"), At(after.Count - 1, $"rss_mb {service}"), Slope($"rss_mb {service}"),
                At(0, $"gc_heap_mb {service}"), At(after.Count - 1, $"gc_heap_mb {service}"), Slope($"gc_heap_mb {service}"),
                At(after.Count - 1, $"gc_committed_mb {service}"), Slope($"gc_committed_mb {service}")));
        }
        return csv.ToString();
    }

    private int Report(List<Dictionary<string, double>> rows, TimeSpan elapsed, long transactions, long shed)
    {
        var columns = rows.SelectMany(r => r.Keys).Distinct().ToList();
        var csv = new StringBuilder(string.Join(',', columns.Select(c => c.Replace(' ', ':'))) + "\n");
        foreach (var row in rows)
        {
            csv.AppendLine(string.Join(',', columns.Select(c => row.TryGetValue(c, out var v) && double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "")));
        }
        var csvPath = Path.Combine(output, "samples.csv");
        File.WriteAllText(csvPath, csv.ToString());

        var minutes = elapsed.TotalMinutes;
        var indexerLag = Recorder.Percentile(_recorder.All("indexer_lag_s"), 0.99);
        var rollupLag = Recorder.Percentile(_recorder.All("rollup_lag_s"), 0.99);
        var apiAll = _recorder.Series.Where(s => s.StartsWith(DashboardLoad.ApiPrefix, StringComparison.Ordinal)).SelectMany(_recorder.All).ToList();
        var api = Recorder.Percentile(apiAll, 0.95);
        var push = Recorder.Percentile(_recorder.All(DashboardLoad.PushSeries), 0.95);
        var growth = Ciro.ToDictionary(s => s, s => GrowthPerHour(rows, $"rss_mb {s}"));
        File.WriteAllText(Path.Combine(output, "growth.csv"), GrowthCsv(rows));
        var worst = growth.Where(g => double.IsFinite(g.Value)).OrderByDescending(g => g.Value).FirstOrDefault();
        var errors = rows.Count == 0 ? Interlocked.Read(ref _errors) : (long)rows[^1]["errors"];
        var rate = transactions / elapsed.TotalSeconds;

        Log("API p95 per endpoint over the run (ms): " + string.Join(", ", _recorder.Series
            .Where(s => s.StartsWith(DashboardLoad.ApiPrefix, StringComparison.Ordinal)).Order()
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s[DashboardLoad.ApiPrefix.Length..]} {Recorder.Percentile(_recorder.All(s), 0.95):F0} (n={_recorder.All(s).Count})"))));
        Log(string.Create(CultureInfo.InvariantCulture,
            $"alert evaluation p95 {Recorder.Percentile(_recorder.All("alert_eval_ms"), 0.95):F0} ms (n={_recorder.All("alert_eval_ms").Count}); requests shed by the load generator {shed}"));
        Log(string.Create(CultureInfo.InvariantCulture, $"RSS growth after the first {WarmUpMinutes(rows):0.#} min (MB/h): ")
            + string.Join(", ", growth.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Value:F1} (GC heap {GrowthPerHour(rows, $"gc_heap_mb {g.Key}"):F1})")))
            + (rows.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"; simulator (holds the chain in memory, not a Ciro service) {GrowthPerHour(rows, "rss_mb chain"):F0}") : ""));
        if (rows.Count > 0)
        {
            Log(string.Create(CultureInfo.InvariantCulture,
                $"PostgreSQL {rows[0]["pg_mb"]:F0} → {rows[^1]["pg_mb"]:F0} MB; load average (1 min) mean {rows.Average(r => r["load1"]):F1}, max {rows.Max(r => r["load1"]):F1} on {Environment.ProcessorCount} cores"));
        }
        foreach (var e in _errorSamples.Take(10))
        {
            Log("error: " + e);
        }

        var line = string.Create(CultureInfo.InvariantCulture,
            $"soak: {minutes:0.#} min at {rate:F0} tx/s, indexer lag p99 {indexerLag:0.#} s, rollup lag p99 {rollupLag:0.#} s, API p95 {api:F0} ms, push p95 {push:F0} ms, RSS growth {worst.Value:F0} MB/h, errors {errors}");
        var svgPath = Path.Combine(output, "chart.svg");
        File.WriteAllText(svgPath, Chart.Svg(line,
            [
                new("indexer lag p99", Chart.Colours[0], rows.Select(r => (r["t_min"], r["indexer_lag_s_p99"])).ToList()),
                new("rollup lag p99", Chart.Colours[1], rows.Select(r => (r["t_min"], r["rollup_lag_s_p99"])).ToList()),
                new("push p95", Chart.Colours[2], rows.Select(r => (r["t_min"], r["push_p95_ms"] / 1000)).ToList()),
            ],
            [.. Ciro.Append("chain").Select((s, i) => new ChartLine(s == "chain" ? "chain (simulator)" : s, Chart.Colours[i],
                rows.Select(r => (r["t_min"], r[$"rss_mb {s}"])).ToList()))],
            minutes));
        var pngPath = Path.Combine(output, "chart.png");
        var problem = Chart.Rasterise(svgPath, pngPath, Chart.Height);
        Log($"samples {csvPath}; chart {(problem is null ? pngPath : $"{svgPath} (PNG failed: {problem})")}");
        File.WriteAllText(Path.Combine(output, "result.txt"), line + "\n");
        Console.WriteLine(line);
        return 0;
    }
}
