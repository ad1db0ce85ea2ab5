using System.Text;
using Ciro.Analytics.Notifications;
using Ciro.Analytics.Rollups;
using Ciro.Messages;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace Ciro.Analytics.Tests;

[Collection(AnalyticsCollection.Name)]
public sealed class RollupReorgTests(AnalyticsFixture fixture)
{
    /// <summary>Blocks 4–5 of the other branch: different times (one moves into hour 12), txs and a job event.</summary>
    private static IEnumerable<KnownChain.Block> OtherBranch() =>
    [
        new(4, KnownChain.T0.AddMinutes(10), [
            new KnownChain.Tx(KnownChain.W2, [new KnownChain.Call(KnownChain.JobManager, "submit_job_result")], 9000, 4000,
                Events: [new KnownChain.Event(KnownChain.JobManager, "JobCompleted", $$"""{"job_id":"1","worker":"{{KnownChain.W2}}"}""")]),
        ], "b"),
        new(5, KnownChain.T0.AddHours(2).AddSeconds(1), [
            new KnownChain.Tx(KnownChain.C2, [new KnownChain.Call(KnownChain.Token, "transfer")], 2500, 700, "WEI"),
        ], "b"),
    ];

    [Fact]
    public async Task Rollups_after_a_reorg_equal_a_clean_run_and_recomputing_changes_nothing()
    {
        var standard = KnownChain.Standard().Blocks;
        // Reorged database: the whole standard chain rolled up live (through notifications), then blocks above
        // 3 replaced by the other branch, as the indexer does it.
        await using var reorged = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(reorged);
        _ = app.Services; // starts the host: the relay listens and reconciles
        using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var published = new System.Collections.Concurrent.BlockingCollection<string>();
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(MessageChannels.Blocks.Redis), (_, m) => published.Add("blocks:" + m));
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(MessageChannels.Reorgs.Redis), (_, m) => published.Add("reorg:" + m));
        await WaitForListenerAsync(reorged);

        await KnownChain.InsertAsync(reorged, standard, notify: true);
        Assert.True(published.TryTake(out var first, TimeSpan.FromSeconds(20)), "no ciro:blocks message");
        Assert.StartsWith("blocks:", first);
        // The push goes out as the blocks arrive; the rollups follow.
        await WaitForRollupsAsync(reorged);
        var beforeReorg = await DumpAsync(reorged);
        Assert.Contains("rollup_gas", beforeReorg);

        await KnownChain.RevertAboveAsync(reorged, 3, notify: true);
        await KnownChain.InsertAsync(reorged, OtherBranch(), notify: true);
        Assert.True(published.TryTake(out var reorgMessage, TimeSpan.FromSeconds(20)));
        Assert.StartsWith("reorg:", reorgMessage);
        Assert.True(published.TryTake(out _, TimeSpan.FromSeconds(20)));
        await WaitForRollupsAsync(reorged);

        // Clean database: the final chain, rolled up once.
        await using var clean = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(clean, standard.Where(b => b.Number <= 3).Concat(OtherBranch()));
        var cleanReconciler = new RollupReconciler(clean, app.Services.GetRequiredService<AnalyticsMetrics>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<RollupReconciler>.Instance);
        Assert.True((await cleanReconciler.ReconcileAsync(null, default)).Hours > 0);

        var afterReorg = await DumpAsync(reorged);
        Assert.NotEqual(beforeReorg, afterReorg);
        var cleanDump = await DumpAsync(clean);
        if (cleanDump != afterReorg)
        {
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "ciro-rollup-clean.txt"), cleanDump);
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "ciro-rollup-reorged.txt"), afterReorg);
        }
        Assert.Equal(cleanDump, afterReorg);

        // Idempotent: nothing is dirty, and forcing a recompute of everything gives identical rows.
        Assert.Equal(0, (await cleanReconciler.ReconcileAsync(null, default)).Hours);
        await using (var wipe = clean.CreateCommand("delete from ciro.rollup_blocks"))
        {
            await wipe.ExecuteNonQueryAsync();
        }
        Assert.True((await cleanReconciler.ReconcileAsync(null, default)).Hours > 0);
        Assert.Equal(afterReorg, await DumpAsync(clean));
    }

    /// <summary>Every rollup row (sketches as hex) in a stable order, as one string.</summary>
    private static async Task<string> DumpAsync(NpgsqlDataSource dataSource)
    {
        var text = new StringBuilder();
        foreach (var table in new[] { "rollup_gas", "rollup_network", "rollup_jobs", "rollup_workers", "rollup_blocks" })
        {
            await using var command = dataSource.CreateCommand($"select t::text from ciro.{table} t order by t::text");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.Append(table).Append(' ').AppendLine(reader.GetString(0));
            }
        }
        return text.ToString();
    }

    /// <summary>Waits until the ledger holds exactly the stored blocks (the relay's rollup pass has committed).</summary>
    internal static async Task WaitForRollupsAsync(NpgsqlDataSource dataSource)
    {
        for (var i = 0; i < 400; i++)
        {
            await using var command = dataSource.CreateCommand("""
                select (select count(*) from ciro.blocks b where not exists
                          (select 1 from ciro.rollup_blocks r where r.block_number = b.block_number and r.block_hash = b.block_hash))
                     + (select count(*) from ciro.rollup_blocks r where not exists
                          (select 1 from ciro.blocks b where b.block_number = r.block_number and b.block_hash = r.block_hash))
                """);
            if ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the rollups never caught up with the stored blocks");
    }

    private static async Task WaitForListenerAsync(NpgsqlDataSource dataSource)
    {
        for (var i = 0; i < 200; i++)
        {
            await using var command = dataSource.CreateCommand("select count(*) from pg_stat_activity where query like 'listen ciro_%'");
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the relay never listened");
    }
}
