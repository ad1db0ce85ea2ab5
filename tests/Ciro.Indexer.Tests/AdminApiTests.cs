using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Indexer.Following;
using Ciro.Indexer.Tests.Infrastructure;
using Ciro.LocalInfrastructure;
using Npgsql;

namespace Ciro.Indexer.Tests;

/// <summary>The indexer's admin routes (a real service process): an operator key of the analytics scheme is
/// required, a reindex from above the cursor is a 400 naming the field (and indexing goes on), and a standby replica
/// refuses a reindex with 409 instead of queueing it for whenever it leads.</summary>
public sealed class AdminApiTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string AdminKey = "test-admin-key-0123456789abcdef";
    private const string ViewerKey = "test-viewer-key-0123456789abcdef";

    [Fact]
    public async Task Reindex_needs_an_operator_key_and_a_block_at_or_below_the_cursor()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 20, eventsPerBlock: 2, blockIntervalMs: 500);
        var database = await postgres.NewDatabaseAsync();
        var port = FreePort.Next();
        using var indexer = StartIndexer(database, simulator.RpcUrl, port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var cursor = (await StoredChain.WaitForCursorAsync(database, 20, TimeSpan.FromSeconds(60), () => indexer.Output))!.Value;

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, null, cursor)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "ciro_000000000000_wrong", cursor)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, ViewerKey, cursor)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/admin/status")).StatusCode);

        var above = (ulong)cursor + 1_000;
        using var refused = await SendAsync(http, AdminKey, above);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("fromBlock", problem.GetProperty("field").GetString());
        Assert.Contains($"'fromBlock' = '{above}' is above the last indexed block", problem.GetProperty("detail").GetString());
        // Nothing was deleted: the cursor only moves on.
        var later = (await StoredChain.WaitForCursorAsync(database, cursor + 3, TimeSpan.FromSeconds(30), () => indexer.Output))!.Value;
        await StoredChain.AssertContiguousAsync(database, 0, later);

        using var accepted = await SendAsync(http, AdminKey, 10);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await WaitForAsync(() => Task.FromResult(indexer.Output.Contains("Reindex requested: deleted everything from block 10 on", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), () => indexer.Output);
        using var status = new HttpRequestMessage(HttpMethod.Get, "/admin/status") { Headers = { { "X-Api-Key", AdminKey } } };
        var state = await (await http.SendAsync(status)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("indexing", state.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_standby_replica_refuses_a_reindex_with_409_and_queues_nothing()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 20, eventsPerBlock: 2, blockIntervalMs: 500);
        var database = await postgres.NewDatabaseAsync();
        await using var holder = new NpgsqlConnection(database);
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand($"select pg_advisory_lock({WriterLease.LeaseKey})", holder))
        {
            await take.ExecuteNonQueryAsync();
        }
        var port = FreePort.Next();
        using var standby = StartIndexer(database, simulator.RpcUrl, port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitForAsync(async () =>
        {
            try
            {
                return (await http.GetAsync("/health")).StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => standby.Output);

        using var refused = await SendAsync(http, AdminKey, 0);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("standby", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        // The lease freed, the standby writes; the refused request was not kept for now.
        await holder.CloseAsync();
        var cursor = (await StoredChain.WaitForCursorAsync(database, 20, TimeSpan.FromSeconds(60), () => standby.Output))!.Value;
        await StoredChain.WaitForCursorAsync(database, cursor + 2, TimeSpan.FromSeconds(30), () => standby.Output);
        Assert.DoesNotContain("Reindex requested", standby.Output);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string? key, long fromBlock) => SendAsync(http, key, (ulong)fromBlock);

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string? key, ulong fromBlock)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/admin/reindex") { Content = JsonContent.Create(new { fromBlock }) };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        return http.SendAsync(request);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not reached within {timeout}: {diagnostics()}");
            await Task.Delay(100);
        }
    }

    private static ChildProcess StartIndexer(string database, string rpcUrl, int port) =>
        new("dotnet", [Paths.IndexerDll, "--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>
        {
            ["ConnectionStrings__ciro"] = database,
            ["Starknet__RpcUrl"] = rpcUrl,
            ["Indexer__PollInterval"] = "00:00:00.050",
            ["Indexer__LeaseRetryInterval"] = "00:00:00.300",
            ["Ciro__Auth__BootstrapAdminKey"] = AdminKey,
            ["Ciro__Auth__ServiceKeys__dashboard__Key"] = ViewerKey,
            ["Ciro__Auth__ServiceKeys__dashboard__Role"] = "viewer",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        });
}
