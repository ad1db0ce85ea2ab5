using System.Diagnostics.Metrics;
using Ciro.Alerts.Rules;
using Ciro.Messages;
using Microsoft.Extensions.DependencyInjection;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>The running service's window cache keeps rows only while its LISTEN connection is up, and drops them all
/// when the indexer's <c>Reorg</c> arrives through PostgreSQL (the channel the indexer notifies inside its rollback).</summary>
[Collection(AlertsCollection.Name)]
public sealed class WindowCacheNotifyTests(AlertsFixture fixture)
{
    /// <summary>A bound on a hang, not a speed check: the LISTEN and the notification take milliseconds.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_reorg_notified_through_PostgreSQL_drops_every_kept_row()
    {
        var reorgClears = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "ciro.alerts.window_cache_clears")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "reason", Value: "reorg" })
                {
                    Interlocked.Add(ref reorgClears, (int)value);
                }
            }
        });
        listener.Start();

        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler());
        _ = alerts.Server;
        var cache = alerts.Services.GetRequiredService<WindowCache>();
        await UntilAsync(() => cache.Active, "the trigger's LISTEN connection to start");

        // Rows kept under a key no rule of this host reads (it runs no rule file), so only the clear can remove them.
        var at = DateTimeOffset.Parse("2026-11-02T01:00:00Z");
        BlockSample[] rows = [new(100, at.AddSeconds(-2), 2, 10, 1_000_000, 0.2, "1000")];
        await cache.ReadAsync(WindowCache.Blocks, "test|blocks", at.AddMinutes(-5), at, at, _ => Task.FromResult<IReadOnlyList<BlockSample>>(rows), new PassCounts());
        Assert.Contains("test|blocks", cache.Kept);

        await using (var notify = database.CreateCommand("select pg_notify($1, $2)"))
        {
            notify.Parameters.AddWithValue(MessageChannels.Reorgs.Postgres);
            notify.Parameters.AddWithValue(MessageSerializer.Serialize(new Reorg(FromBlock: 98, Depth: 3, Reason: ReorgReason.Reorg)));
            await notify.ExecuteNonQueryAsync();
        }
        await UntilAsync(() => Volatile.Read(ref reorgClears) >= 1, "the reorg to clear the cache");
        Assert.DoesNotContain("test|blocks", cache.Kept);
        Assert.True(cache.Active, "still listening: the next pass keeps rows again");
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {Bound} for {what}");
            await Task.Delay(50);
        }
    }
}
