using System.Diagnostics;
using Ciro.Alerts.Delivery;
using Ciro.Alerts.Incidents;
using Ciro.Alerts.Notifiers;
using Ciro.Bench.Alerts;
using Ciro.LocalInfrastructure;
using Ciro.Messages;
using Ciro.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// bench/run alerts [--blocks N] [--notifications N] [--concurrency N]: a throwaway PostgreSQL and a webhook receiver
// on 127.0.0.1, the alerts outbox and dispatcher in this process; stops by itself.
var (blocks, notifications, concurrency) = (100, 5000, new DeliveryOptions().Concurrency);
for (var i = 0; i < args.Length; i++)
{
    if (i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n >= 1 && args[i] is "--blocks" or "--notifications" or "--concurrency")
    {
        _ = args[i++] switch
        {
            "--blocks" => blocks = n,
            "--notifications" => notifications = n,
            _ => concurrency = n,
        };
    }
    else
    {
        Console.Error.WriteLine("usage: bench/run alerts [--blocks N] [--notifications N] [--concurrency N]");
        return 2;
    }
}

await using var postgres = await LocalPostgres.StartAsync();
await using var db = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
await using (var partitions = db.CreateCommand("select ciro.ensure_partitions(now() - interval '1 day', now() + interval '1 day')"))
{
    await partitions.ExecuteNonQueryAsync(); // what the indexer does before writing blocks of a new month
}
// A signing key made for this run only: no secret lives in the repository, not even a benchmark's.
var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
await using var receiver = await BenchReceiver.StartAsync(secret);

// The delivery side exactly as Ciro.Alerts registers it, with one signed webhook as the only channel.
var services = new ServiceCollection()
    .AddLogging(l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Ciro.Alerts.Incidents", LogLevel.Error)) // every incident opened is a warning
    .AddMetrics()
    .AddSingleton(db)
    .AddSingleton(TimeProvider.System)
    .AddSingleton<IAlertNotifier, WebhookNotifier>()
    .AddSingleton<AlertsMetrics>()
    .AddSingleton<DeliveryMetrics>()
    .AddSingleton<OutboxSignal>()
    .AddSingleton<ChannelGuards>()
    .AddSingleton<AlertRouter>()
    .AddSingleton<NotificationOutbox>()
    .AddSingleton<IncidentStore>()
    .AddSingleton<NotificationDispatcher>();
services.AddOptions<DeliveryOptions>().Configure(o => o.Concurrency = concurrency);
services.AddOptions<RoutingOptions>();
services.AddOptions<IncidentOptions>();
services.AddOptions<WebhookOptions>().Configure(o => o.Webhooks = [new WebhookEndpoint { Name = "bench", Url = receiver.Url, Secret = secret }]);
await using var provider = services.BuildServiceProvider();
var store = provider.GetRequiredService<IncidentStore>();
IHostedService dispatcher = provider.GetRequiredService<NotificationDispatcher>();
await dispatcher.StartAsync(default);

// 1. Latency: a block commits with its BlocksCommitted notification (as the indexer writes it); a rule listening for
// it opens an incident (no pending duration) whose notification commits with it; the dispatcher delivers it.
// Measured from the block's commit to the receiver having the message.
await using var listener = await db.OpenConnectionAsync();
listener.Notification += (_, e) =>
{
    var block = MessageSerializer.Deserialize<BlocksCommitted>(e.Payload).To;
    _ = store.OpenOrRepeatAsync(Signal($"block-{block}", IncidentSeverity.Critical, $"gas spike in block {block}", "0x04a7"), default)
        .ContinueWith(t => Console.Error.WriteLine($"block {block}: {t.Exception}"), TaskContinuationOptions.OnlyOnFaulted);
};
await using (var listen = new NpgsqlCommand($"listen {MessageChannels.Blocks.Postgres}", listener))
{
    await listen.ExecuteNonQueryAsync();
}
using var stopListening = new CancellationTokenSource();
var pump = Task.Run(async () =>
{
    try
    {
        while (true)
        {
            await listener.WaitAsync(stopListening.Token);
        }
    }
    catch (OperationCanceledException)
    {
    }
});

var latencies = new List<double>();
try
{
    for (var number = 1L; number <= blocks; number++)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("""
            insert into ciro.blocks (block_number, block_hash, parent_hash, block_time, sequencer, l1_gas_price_fri, l1_gas_price_wei,
              l1_data_gas_price_fri, l1_data_gas_price_wei, l2_gas_price_fri, l2_gas_price_wei, tx_count, event_count, l1_gas, l1_data_gas, l2_gas, status)
            values ($1, $2, $3, now(), '\x01', 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 'ACCEPTED_ON_L2')
            """, connection, tx))
        {
            insert.Parameters.AddWithValue(number);
            insert.Parameters.AddWithValue(BitConverter.GetBytes(number));
            insert.Parameters.AddWithValue(BitConverter.GetBytes(number - 1));
            await insert.ExecuteNonQueryAsync();
        }
        await connection.NotifyAsync(tx, new BlocksCommitted(number, number, DateTimeOffset.UtcNow), default);
        await tx.CommitAsync();
        var committed = Stopwatch.GetTimestamp();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long arrived;
        while (!receiver.ArrivedAt.TryGetValue($"block-{number}", out arrived))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"block {number}'s notification did not arrive within 30 s");
            }
            await Task.Delay(1);
        }
        latencies.Add(Stopwatch.GetElapsedTime(committed, arrived).TotalMilliseconds);
    }
}
finally
{
    // The listening connection cannot be disposed while it waits.
    await stopListening.CancelAsync();
    await pump;
}
var (p50, p95) = Percentiles(latencies);
Console.WriteLine($"latency: {blocks} blocks, one at a time; block commit → BlocksCommitted → incident + outbox row → dispatcher → signed webhook " +
                  $"on 127.0.0.1: p50 {p50:F1} ms, p95 {p95:F1} ms, max {latencies.Max():F1} ms (the rule is a listener opening the incident, no analytics query)");

// 2. Throughput through the outbox: a backlog of notifications (one per incident, opened by 8 concurrent
// evaluators while no dispatcher runs, as after an outage) delivered by a fresh dispatcher; notifications/s from its
// start until the receiver has every one.
await dispatcher.StopAsync(default);
var watch = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, notifications), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, ct) =>
    await store.OpenOrRepeatAsync(Signal($"burst-{k}", IncidentSeverity.Warning, $"burst {k}", $"0x{k % 50:x4}"), ct));
var opened = watch.Elapsed;
IHostedService drainer = ActivatorUtilities.CreateInstance<NotificationDispatcher>(provider);
watch.Restart();
await drainer.StartAsync(default);
var expected = blocks + notifications;
var limit = DateTime.UtcNow.AddMinutes(5);
while (receiver.ArrivedAt.Count < expected)
{
    if (DateTime.UtcNow > limit)
    {
        throw new TimeoutException($"only {receiver.ArrivedAt.Count} of {expected} notifications arrived within 5 min");
    }
    await Task.Delay(5);
}
var drained = watch.Elapsed;
await drainer.StopAsync(default);
var rate = notifications / drained.TotalSeconds;
await using (var count = db.CreateCommand("select count(*) filter (where state = 'delivered'), count(*) from alerts.notifications"))
await using (var reader = await count.ExecuteReaderAsync())
{
    await reader.ReadAsync();
    Console.WriteLine($"throughput: {notifications} incidents opened with their notifications by 8 concurrent evaluators in {opened.TotalSeconds:F1} s " +
                      $"({notifications / opened.TotalSeconds:F0}/s); the backlog delivered in {drained.TotalSeconds:F1} s by {concurrency} dispatcher workers " +
                      $"({reader.GetInt64(0)}/{reader.GetInt64(1)} delivered, {receiver.BadSignatures} bad signatures)");
}
Console.WriteLine($"alerts: block→notification p50 {p50:F0} ms, p95 {p95:F0} ms; {rate:F0} notifications/s");
return 0;

// One contract per signal: a critical incident mutes warnings with the same labels, and the burst must not be muted.
static AlertSignal Signal(string rule, IncidentSeverity severity, string summary, string contract) =>
    new(rule, "gas-spike", severity, new Dictionary<string, string> { ["contract"] = contract }, summary,
        "412,000 L2 gas per call", "≤ 120,000 L2 gas per call", DateTimeOffset.UtcNow, null);

static (double P50, double P95) Percentiles(List<double> samples)
{
    var sorted = samples.Order().ToList();
    double At(double q) => sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1)];
    return (At(0.5), At(0.95));
}
