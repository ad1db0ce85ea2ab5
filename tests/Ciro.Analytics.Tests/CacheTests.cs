using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Analytics.Rollups;
using Ciro.Messages;
using Ciro.Storage;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Ciro.Analytics.Tests;

[Collection(AnalyticsCollection.Name)]
public sealed class CacheTests(AnalyticsFixture fixture)
{
    [Fact]
    public async Task Answers_come_from_redis_until_a_block_notification_invalidates_them()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(db, KnownChain.Standard().Blocks);
        await using var app = fixture.App(db);
        var http = app.CreateClient();
        await app.Services.GetRequiredService<RollupReconciler>().ReconcileAsync(null, default);
        const string url = "/api/kpi/network?from=2026-03-02T10:00:00Z&to=2026-03-02T11:00:00Z&bucket=hour";
        async Task<long> Blocks() => (await http.GetFromJsonAsync<JsonElement>(url)).GetProperty("items")[0].GetProperty("blocks").GetInt64();
        Assert.Equal(4, await Blocks());
        // Change the stored rollup behind the cache's back: the cached answer still says 4.
        await using (var tamper = db.CreateCommand("update ciro.rollup_network set blocks = 99 where bucket = 'hour' and bucket_start = '2026-03-02 10:00+00'"))
        {
            await tamper.ExecuteNonQueryAsync();
        }
        Assert.Equal(4, await Blocks());
        using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var generation = (long)await redis.GetDatabase().StringGetAsync(Caching.QueryCache.GenerationKey);
        // A block notification (nothing new to roll up) bumps the generation: the next read recomputes.
        await using (var connection = await db.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await connection.NotifyAsync(tx, new BlocksCommitted(6, 6, DateTimeOffset.Parse("2026-03-02T12:00:00Z")), default);
            await tx.CommitAsync();
        }
        for (var i = 0; i < 100 && (long)await redis.GetDatabase().StringGetAsync(Caching.QueryCache.GenerationKey) == generation; i++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(99, await Blocks());
    }

    [Fact]
    public async Task The_jobs_activity_comes_from_redis_until_a_block_notification_invalidates_it()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(db, KnownChain.Standard().Blocks);
        await using var app = fixture.App(db);
        var http = app.CreateClient();
        await app.Services.GetRequiredService<RollupReconciler>().ReconcileAsync(null, default);
        // A window no other test asks for: the fixture's Redis is shared by the collection's databases.
        const string url = "/api/activity/jobs?minutes=1417";
        async Task<long> AsOfBlock() => (await http.GetFromJsonAsync<JsonElement>(url)).GetProperty("asOfBlock").GetInt64();
        Assert.Equal(6, await AsOfBlock());
        // Block 7 stored without a notification: the cached answer still ends at block 6.
        await KnownChain.InsertAsync(db, [KnownChain.WithEvents(7, KnownChain.T0.AddHours(1).AddSeconds(20), "JobSubmitted")]);
        Assert.Equal(6, await AsOfBlock());
        using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var generation = (long)await redis.GetDatabase().StringGetAsync(Caching.QueryCache.GenerationKey);
        await using (var connection = await db.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await connection.NotifyAsync(tx, new BlocksCommitted(7, 7, KnownChain.T0.AddHours(1).AddSeconds(20)), default);
            await tx.CommitAsync();
        }
        for (var i = 0; i < 100 && (long)await redis.GetDatabase().StringGetAsync(Caching.QueryCache.GenerationKey) == generation; i++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(7, await AsOfBlock());
    }
}
