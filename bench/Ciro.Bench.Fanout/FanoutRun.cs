using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Ciro.LocalInfrastructure;
using Ciro.Messages;
using Ciro.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Ciro.Bench.Fanout;

/// <param name="Clients">Signed-in dashboard connections, spread evenly over the replicas.</param>
/// <param name="Blocks">Measured block commits (after <see cref="FanoutRun.WarmUpBlocks"/> not counted).</param>
/// <param name="Replicas">Web processes on one Redis backplane.</param>
public sealed record FanoutOptions(int Clients = 1000, int Blocks = 20, int Replicas = 1);

/// <summary>
/// The web tier's fan-out, measured from the moment a block commit is relayed on Redis (what analytics publishes on
/// <c>ciro:blocks</c> once the commit's NOTIFY reached it; that first leg is measured by <c>bench/run soak</c>) to
/// each client's handler receiving it: Redis → every web replica's subscription → the claim → SignalR (through the
/// backplane) → the websocket → the client. The web runs as its own process (the Release build), the clients here,
/// signed in as dashboards are (one session per viewer user, shared by at most 200 tabs as a browser shares its
/// cookie), over websockets. A stub analytics answers the jobs-activity reads each commit triggers.
/// </summary>
public static class FanoutRun
{
    public const int WarmUpBlocks = 2;
    /// <summary>A block every second: faster than Starknet's, and time for the jobs-activity push that follows each.</summary>
    private static readonly TimeSpan BlockInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);
    private const int TabsPerUser = 200;

    public static async Task<int> RunAsync(FanoutOptions options, string root)
    {
        ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 8), 64);
        using var redis = await LocalRedis.StartAsync();
        await using var analytics = await StartStubAnalyticsAsync();
        var analyticsUrl = analytics.Urls.Single();
        var replicas = new List<WebReplica>();
        var clients = new List<HubConnection>();
        try
        {
            for (var r = 0; r < options.Replicas; r++)
            {
                var share = options.Clients / options.Replicas + (r < options.Clients % options.Replicas ? 1 : 0);
                replicas.Add(WebReplica.Start(root, r, share, redis.ConnectionString, analyticsUrl));
            }
            await Task.WhenAll(replicas.Select(r => r.WaitHealthyAsync(TimeSpan.FromMinutes(3))));
            using var bus = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            await WaitForSubscribersAsync(bus, options.Replicas);

            var measured = WarmUpBlocks + options.Blocks;
            var arrivals = new long[measured + 1][];
            var remaining = new int[measured + 1];
            var delivered = new TaskCompletionSource[measured + 1];
            for (var b = 1; b <= measured; b++)
            {
                arrivals[b] = new long[options.Clients];
                remaining[b] = options.Clients;
                delivered[b] = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            var duplicates = 0;

            var connecting = Stopwatch.StartNew();
            var targets = new List<(Uri Hub, CookieContainer Cookies)>();
            foreach (var replica in replicas)
            {
                targets.AddRange(await replica.SignInTabsAsync());
            }
            var connections = new HubConnection[options.Clients];
            await Parallel.ForEachAsync(Enumerable.Range(0, options.Clients), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                var (hub, cookies) = targets[i];
                var connection = new HubConnectionBuilder()
                    .WithUrl(hub, o =>
                    {
                        o.Cookies = cookies;
                        o.Transports = HttpTransportType.WebSockets;
                    })
                    .Build();
                connection.On<JsonElement>(MessageChannels.Blocks.HubMethod, message =>
                {
                    var at = Stopwatch.GetTimestamp();
                    var block = message.GetProperty("to").GetInt64();
                    if (block < 1 || block > measured)
                    {
                        return;
                    }
                    if (Interlocked.CompareExchange(ref arrivals[block][i], at, 0) != 0)
                    {
                        Interlocked.Increment(ref duplicates);
                    }
                    else if (Interlocked.Decrement(ref remaining[block]) == 0)
                    {
                        delivered[block].TrySetResult();
                    }
                });
                await connection.StartAsync(ct);
                connections[i] = connection;
            });
            clients.AddRange(connections);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fanout: {options.Replicas} web replica(s) on one Redis, {options.Clients} clients connected over websockets in {connecting.Elapsed.TotalSeconds:F1} s ({targets.Select(t => t.Cookies).Distinct().Count()} signed-in users)"));

            var sent = new long[measured + 1];
            var missing = 0;
            var publisher = bus.GetSubscriber();
            var channel = RedisChannel.Literal(MessageChannels.Blocks.Redis);
            for (var b = 1; b <= measured; b++)
            {
                var payload = MessageSerializer.Serialize(new BlocksCommitted(b, b, DateTimeOffset.UtcNow));
                sent[b] = Stopwatch.GetTimestamp();
                await publisher.PublishAsync(channel, payload);
                try
                {
                    await delivered[b].Task.WaitAsync(DeliveryTimeout);
                }
                catch (TimeoutException)
                {
                    missing += Volatile.Read(ref remaining[b]);
                }
                var last = arrivals[b].Where(t => t != 0).DefaultIfEmpty(sent[b]).Max();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fanout: block {b}{(b <= WarmUpBlocks ? " (warm-up)" : "")}: {options.Clients - Volatile.Read(ref remaining[b])} clients, last after {Milliseconds(sent[b], last):F1} ms"));
                await Task.Delay(BlockInterval);
            }

            var latencies = new List<double>(options.Blocks * options.Clients);
            for (var b = WarmUpBlocks + 1; b <= measured; b++)
            {
                latencies.AddRange(arrivals[b].Where(t => t != 0).Select(t => Milliseconds(sent[b], t)));
            }
            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fanout: {options.Blocks} blocks × {options.Clients} clients = {latencies.Count} pushes measured ({WarmUpBlocks} warm-up blocks not counted), missing {missing}, duplicates {duplicates}; p50 {Percentile(latencies, 0.50):F1} ms, max {latencies[^1]:F1} ms; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fanout: {options.Clients} clients, push p95 {Percentile(latencies, 0.95):F0} ms, p99 {Percentile(latencies, 0.99):F0} ms"));
            return missing == 0 && duplicates == 0 ? 0 : 1;
        }
        finally
        {
            await Task.WhenAll(clients.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask()));
            foreach (var replica in replicas)
            {
                replica.Dispose();
            }
        }
    }

    private static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    /// <summary>Nearest rank.</summary>
    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>Every replica's publisher subscribed to every channel (the last subscribed is the last of
    /// <see cref="MessageChannels.All"/>).</summary>
    private static async Task WaitForSubscribersAsync(ConnectionMultiplexer redis, int replicas)
    {
        var last = MessageChannels.All[^1].Redis;
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var result = (RedisResult[])(await redis.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", last))!;
            if ((long)result[1] == replicas)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{replicas} web replica(s) never subscribed to {last}");
    }

    /// <summary>Analytics and alerts as far as the web's live path reads them: the jobs activity (30 one-minute
    /// buckets, the size the dashboard gets) after each commit and on each new connection.</summary>
    private static async Task<WebApplication> StartStubAnalyticsAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var activity = new
        {
            asOfBlock = 0,
            asOf = DateTimeOffset.UtcNow,
            buckets = Enumerable.Range(0, 30).Select(m => new { minute = start.AddMinutes(m), submitted = 40 + m, completed = 38 + m, failed = m % 3 }).ToArray(),
        };
        app.MapGet("/api/activity/jobs", () => Results.Json(activity));
        app.Run(context => Results.Json(new { }).ExecuteAsync(context));
        await app.StartAsync();
        return app;
    }

    private sealed class WebReplica(ChildProcess process, string url, int tabs, IReadOnlyList<(string User, string Password)> users) : IDisposable
    {
        public static WebReplica Start(string root, int index, int tabs, string redis, string analyticsUrl)
        {
            var url = $"http://127.0.0.1:{FreePort.Next()}";
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
            var dll = Path.Combine(root, "src", "Ciro.Web", "bin", configuration, "net10.0", "Ciro.Web.dll");
            var environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_URLS"] = url,
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__LogLevel__Default"] = "Warning",
                ["ConnectionStrings__cache"] = redis,
                ["Ciro__AnalyticsUrl"] = analyticsUrl,
                ["Ciro__AlertsUrl"] = analyticsUrl,
                // Made for this run only: no secret lives in the repository, not even a benchmark's.
                ["Ciro__AnalyticsApiKey"] = RandomKey(),
                ["Ciro__Web__OperatorApiKey"] = RandomKey(),
            };
            var users = new List<(string, string)>();
            for (var u = 0; u < (tabs + TabsPerUser - 1) / TabsPerUser; u++)
            {
                var (user, password) = ($"viewer{index}x{u}", RandomKey());
                environment[$"Ciro__Web__Users__{user}__PasswordHash"] = PasswordHash.Create(password);
                environment[$"Ciro__Web__Users__{user}__Role"] = Roles.Viewer;
                users.Add((user, password));
            }
            return new WebReplica(new ChildProcess("dotnet", [dll], environment, Path.GetDirectoryName(dll)), url, tabs, users);
        }

        public async Task WaitHealthyAsync(TimeSpan timeout)
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"web exited at start: {process.Output}");
                }
                try
                {
                    if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
                await Task.Delay(250);
            }
            throw new TimeoutException($"web not healthy after {timeout}: {process.Output}");
        }

        /// <summary>Signs each user in once; returns this replica's tabs, each with its user's cookies.</summary>
        public async Task<List<(Uri Hub, CookieContainer Cookies)>> SignInTabsAsync()
        {
            var hub = new Uri(new Uri(url), "/hubs/activity");
            var sessions = new List<CookieContainer>();
            foreach (var (user, password) in users)
            {
                var cookies = new CookieContainer();
                using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = new Uri(url) };
                using var response = await http.PostAsJsonAsync("/auth/login", new { userName = user, password });
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"sign-in of {user} refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                sessions.Add(cookies);
            }
            return [.. Enumerable.Range(0, tabs).Select(t => (hub, sessions[t / TabsPerUser]))];
        }

        public void Dispose() => process.Dispose();
    }

    private static string RandomKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
}
