using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Messages;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ciro.Bench.Soak;

/// <summary>Values recorded between two samples (milliseconds or seconds), drained by the sampler.</summary>
internal sealed class Recorder
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _window = new();
    private readonly ConcurrentDictionary<string, List<double>> _all = new();

    public void Add(string series, double value)
    {
        _window.GetOrAdd(series, _ => new()).Enqueue(value);
        var all = _all.GetOrAdd(series, _ => []);
        lock (all)
        {
            all.Add(value);
        }
    }

    /// <summary>The values recorded since the last drain of <paramref name="series"/>.</summary>
    public List<double> Drain(string series)
    {
        var values = new List<double>();
        if (_window.TryGetValue(series, out var queue))
        {
            while (queue.TryDequeue(out var v))
            {
                values.Add(v);
            }
        }
        return values;
    }

    public List<double> All(string series)
    {
        if (!_all.TryGetValue(series, out var all))
        {
            return [];
        }
        lock (all)
        {
            return [.. all];
        }
    }

    public IEnumerable<string> Series => _all.Keys;

    /// <summary>Nearest-rank percentile; NaN for no values.</summary>
    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        values.Sort();
        return values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)];
    }
}

/// <summary>
/// What open dashboards do to the stack: each of <c>clients</c> browsers is signed in (one session per viewer user,
/// shared by that user's tabs, as a browser shares its cookie) and holds a SignalR connection to /hubs/activity; together
/// they make the dashboard's own calls through the web tier at its own rates — every open overview polls the pipeline
/// status every 5 s and the open incidents every 15 s, and one dashboard in 200 opens a view each second (the view's
/// KPI calls with the default 24 h range). Push latency is the time from the indexer's NOTIFY (seen by the soak's own
/// LISTEN connection) to each client receiving that BlocksCommitted through analytics, Redis, the web and SignalR.
/// </summary>
internal sealed class DashboardLoad(string webUrl, IReadOnlyList<(string User, string Password)> users, int clients, Recorder recorder,
    ConcurrentDictionary<(long From, long To), long> notifiedAt, Action<string> error) : IAsyncDisposable
{
    public const string PushSeries = "push_ms";
    public const string ApiPrefix = "api_ms:";

    /// <summary>The views a dashboard user opens, each with the calls it makes (lib/kpi-query: from = 24 h ago, to left to the server).</summary>
    private static readonly (string View, string[] Calls)[] Views =
    [
        ("overview", ["/api/kpi/network?from={from}", "/api/activity/jobs?minutes=30", "/api/blocks/latest"]),
        ("gas", ["/api/kpi/gas?from={from}"]),
        ("usage", ["/api/kpi/usage?from={from}&bucket=hour", "/api/kpi/usage/hours?from={from}", "/api/kpi/gas?from={from}"]),
        ("workers", ["/api/kpi/workers/leaderboard?from={from}"]),
        ("timing", ["/api/kpi/timing/jobs?from={from}", "/api/kpi/timing/inclusion?from={from}"]),
        ("anomalies", ["/api/kpi/anomalies?from={from}"]),
    ];

    private readonly List<HttpClient> _sessions = [];
    private readonly List<CookieContainer> _cookies = [];
    private readonly List<HubConnection> _hubs = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private long _inFlight;

    public long Errors;
    public long Shed;
    public int Connected => _hubs.Count(h => h.State == HubConnectionState.Connected);

    public async Task StartAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        foreach (var (user, password) in users)
        {
            var cookies = new CookieContainer();
            var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, MaxConnectionsPerServer = 64 })
            {
                BaseAddress = new Uri(webUrl),
                Timeout = TimeSpan.FromSeconds(60),
            };
            var login = await http.PostAsJsonAsync("/auth/login", new { userName = user, password }, deadline.Token);
            if (!login.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"sign-in of {user} failed: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync(deadline.Token)}");
            }
            _sessions.Add(http);
            _cookies.Add(cookies);
        }
        for (var i = 0; i < clients; i++)
        {
            var cookies = _cookies[i % _cookies.Count];
            var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(new Uri(webUrl), "/hubs/activity"), o => o.Cookies = cookies)
                .WithAutomaticReconnect()
                .Build();
            hub.On<JsonElement>(MessageChannels.Blocks.HubMethod, OnBlocksCommitted);
            hub.Closed += e =>
            {
                if (!_stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref Errors);
                    error($"hub connection closed: {e?.Message}");
                }
                return Task.CompletedTask;
            };
            hub.Reconnecting += e =>
            {
                Interlocked.Increment(ref Errors);
                error($"hub connection lost, reconnecting: {e?.Message}");
                return Task.CompletedTask;
            };
            await hub.StartAsync(deadline.Token);
            _hubs.Add(hub);
        }
        _loops.Add(EveryAsync(5.0 / clients, "/api/pipeline/status"));
        _loops.Add(EveryAsync(15.0 / clients, "/api/alerts/incidents?state=open"));
        _loops.Add(ViewsAsync(200.0 / clients));
    }

    private void OnBlocksCommitted(JsonElement message)
    {
        var now = Stopwatch.GetTimestamp();
        var key = (message.GetProperty("from").GetInt64(), message.GetProperty("to").GetInt64());
        if (notifiedAt.TryGetValue(key, out var at))
        {
            recorder.Add(PushSeries, Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
        }
    }

    /// <summary>Open-loop: one request every <paramref name="intervalSeconds"/> regardless of answers, as independent
    /// browsers do; at most 64 in flight (a request over that is shed and counted, so an overloaded stack shows as shed
    /// load rather than as an ever-growing queue inside the benchmark).</summary>
    private async Task EveryAsync(double intervalSeconds, string path)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(intervalSeconds));
        var n = 0;
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false) is true)
        {
            Fire(_sessions[n++ % _sessions.Count], path);
        }
    }

    private async Task ViewsAsync(double intervalSeconds)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(intervalSeconds));
        var n = 0;
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false) is true)
        {
            var (_, calls) = Views[n % Views.Length];
            var session = _sessions[n++ % _sessions.Count];
            // The range start is floored to the minute, as the dashboard does, so open views share cache entries.
            var from = DateTimeOffset.UtcNow.AddHours(-24);
            var fromText = Uri.EscapeDataString(new DateTimeOffset(from.Year, from.Month, from.Day, from.Hour, from.Minute, 0, TimeSpan.Zero).ToString("O"));
            foreach (var call in calls)
            {
                Fire(session, call.Replace("{from}", fromText, StringComparison.Ordinal));
            }
        }
    }

    private void Fire(HttpClient session, string path)
    {
        if (Interlocked.Increment(ref _inFlight) > 64)
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref Shed);
            return;
        }
        _ = Task.Run(async () =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await session.GetAsync(path, _stop.Token);
                await response.Content.LoadIntoBufferAsync(_stop.Token);
                recorder.Add(ApiPrefix + Endpoint(path), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref Errors);
                    error($"GET {path}: {(int)response.StatusCode} {Shorten(await response.Content.ReadAsStringAsync(_stop.Token))}");
                }
            }
            catch (Exception e) when (!_stop.IsCancellationRequested)
            {
                recorder.Add(ApiPrefix + Endpoint(path), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Increment(ref Errors);
                error($"GET {path}: {e.GetType().Name} {e.Message}");
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        });
    }

    /// <summary>The path with the range left out and the bucket kept: one series per endpoint the dashboard calls.</summary>
    public static string Endpoint(string path)
    {
        var q = path.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return path;
        }
        var bucket = path[q..].Split('&', '?').FirstOrDefault(p => p.StartsWith("bucket=", StringComparison.Ordinal));
        return bucket is null ? path[..q] : $"{path[..q]}?{bucket}";
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Task.WhenAll(_hubs.Select(async h =>
        {
            try
            {
                await h.StopAsync(bounded.Token);
            }
            catch (OperationCanceledException)
            {
            }
            await h.DisposeAsync();
        }));
        foreach (var s in _sessions)
        {
            s.Dispose();
        }
        _stop.Dispose();
    }
}
