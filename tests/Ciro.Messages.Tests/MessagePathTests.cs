extern alias analytics;
extern alias web;
using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.LocalInfrastructure;
using Ciro.Storage;
using Ciro.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace Ciro.Messages.Tests;

/// <summary>
/// Every message type along the whole live path, with real servers: PostgreSQL NOTIFY inside a transaction →
/// the analytics relay (LISTEN) → Redis pub/sub → the web's publisher → SignalR over a real socket → a client.
/// Each field arrives as sent. A field renamed in a record cannot reach this test unnoticed: every producer and
/// consumer on the path uses the record, so the rename either compiles everywhere or nowhere.
/// </summary>
public sealed class MessagePathTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly Resync Priming = new(ResyncReason.Requested);
    private const string JobsActivity = "jobsActivity";
    private const string ViewerPassword = "message-path-viewer";
    private LocalPostgres _postgres = null!;
    private LocalRedis _redis = null!;

    public async Task InitializeAsync()
    {
        _postgres = await LocalPostgres.StartAsync();
        _redis = await LocalRedis.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _postgres.DisposeAsync();
        _redis.Dispose();
    }

    [Fact]
    public async Task Every_message_goes_from_postgres_notify_to_the_browser_hub_with_every_field()
    {
        await using var database = await _postgres.CreateMigratedDatabaseAsync();
        await InsertBlockAsync(database, 41); // so the web's jobs-activity refresh has something to push
        var analyticsPort = FreePort.Next();
        await using var analyticsApp = new WebApplicationFactory<analytics::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseUrls($"http://127.0.0.1:{analyticsPort}");
            builder.UseSetting("ConnectionStrings:ciro", database.ConnectionString);
            builder.UseSetting("ConnectionStrings:cache", _redis.ConnectionString);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        analyticsApp.UseKestrel();
        analyticsApp.StartServer();

        var webPort = FreePort.Next();
        await using var webApp = new WebApplicationFactory<web::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseUrls($"http://127.0.0.1:{webPort}");
            builder.UseSetting("ConnectionStrings:cache", _redis.ConnectionString);
            builder.UseSetting("Ciro:AnalyticsUrl", $"http://127.0.0.1:{analyticsPort}");
            builder.UseSetting("Ciro:Web:Users:viewer:PasswordHash", web::Ciro.Web.Auth.PasswordHash.Create(ViewerPassword, iterations: 10_000));
            builder.UseSetting("Ciro:Web:Users:viewer:Role", "viewer");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        webApp.UseKestrel();
        webApp.StartServer();

        // The hub takes signed-in browsers only: sign in for the session cookie.
        var cookies = new System.Net.CookieContainer();
        using (var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }))
        {
            using var signIn = await browser.PostAsync($"http://127.0.0.1:{webPort}/auth/login",
                JsonContent.Create(new { userName = "viewer", password = ViewerPassword }));
            signIn.EnsureSuccessStatusCode();
        }

        // The browser's side: raw JSON per hub method, read back with our serializer (as strict as the types).
        var received = new BlockingCollection<(string Method, string Json)>();
        await using var hub = new HubConnectionBuilder().WithUrl($"http://127.0.0.1:{webPort}/hubs/activity", o => o.Cookies = cookies).Build();
        foreach (var channel in MessageChannels.All)
        {
            hub.On<JsonElement>(channel.HubMethod, payload => received.Add((channel.HubMethod, payload.GetRawText())));
        }
        var activities = new BlockingCollection<JsonElement>();
        hub.On<JsonElement>(JobsActivity, activities.Add);
        await hub.StartAsync();
        await WaitUntilDeliveredAsync(database, received);

        foreach (var message in SampleMessages.All)
        {
            var channel = MessageChannels.Of(message);
            await NotifyAsync(database, message);
            var (method, json) = Next(received, channel.HubMethod);
            Assert.Equal(channel.HubMethod, method);
            SampleMessages.AssertSame(message, MessageSerializer.Deserialize(channel, json));
        }
        // The same connection carries the web's own pushes too (JsonElement: another type than the messages).
        Assert.True(activities.TryTake(out var activity, Bound), $"no {JobsActivity} push within {Bound}");
        Assert.Equal(41, activity.GetProperty("asOfBlock").GetInt64());
    }

    private static async Task InsertBlockAsync(NpgsqlDataSource database, long number)
    {
        var time = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        await using (var partitions = database.CreateCommand("select ciro.ensure_partitions($1, $1)"))
        {
            partitions.Parameters.AddWithValue(time);
            await partitions.ExecuteNonQueryAsync();
        }
        await using var insert = database.CreateCommand("""
            insert into ciro.blocks values ($1, '\x01'::bytea, '\x00'::bytea, $2, '\x05'::bytea, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 'ACCEPTED_ON_L2', '0.14.0')
            """);
        insert.Parameters.AddWithValue(number);
        insert.Parameters.AddWithValue(time);
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task NotifyAsync(NpgsqlDataSource database, CiroMessage message)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.NotifyAsync(tx, message, default);
        await tx.CommitAsync();
    }

    /// <summary>The next message with <paramref name="method"/>; others in between (a late priming resync) are skipped.</summary>
    private static (string Method, string Json) Next(BlockingCollection<(string Method, string Json)> received, string method)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (received.TryTake(out var item, deadline - DateTime.UtcNow > TimeSpan.Zero ? deadline - DateTime.UtcNow : TimeSpan.Zero))
        {
            if (item.Method == method && item.Json != MessageSerializer.Serialize(Priming))
            {
                return item;
            }
        }
        throw new TimeoutException($"no {method} message reached the hub client within {Bound}");
    }

    /// <summary>The relay LISTENs and the web subscribes to Redis after their hosts start: until then a message
    /// is lost (as in production before start). Resyncs are sent until one arrives, then the path is open.</summary>
    private static async Task WaitUntilDeliveredAsync(NpgsqlDataSource database, BlockingCollection<(string Method, string Json)> received)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            await NotifyAsync(database, Priming);
            if (received.TryTake(out var item, TimeSpan.FromMilliseconds(500)) && item.Method == MessageChannels.Resyncs.HubMethod)
            {
                // Drain the other resyncs of this loop before the real run.
                await Task.Delay(500);
                while (received.TryTake(out _))
                {
                }
                return;
            }
        }
        throw new TimeoutException($"no message crossed PostgreSQL → analytics → Redis → web → SignalR within {Bound}");
    }
}
