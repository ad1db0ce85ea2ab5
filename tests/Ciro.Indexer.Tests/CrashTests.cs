using System.Diagnostics;
using Ciro.Indexer.Tests.Infrastructure;

namespace Ciro.Indexer.Tests;

/// <summary>kill -9 of the backfill process at 20 random points, each run resuming from the cursor: the final
/// tables are identical, row for row, to a clean run's.</summary>
public sealed class CrashTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Twenty_kills_during_a_backfill_leave_the_same_tables_as_a_clean_run()
    {
        await using var simulator = await Simulator.StartAsync(pregenerateBlocks: 2000, eventsPerBlock: 50);
        var head = await simulator.HeadAsync();
        string[] args = ["--rpc", simulator.RpcUrl, "--from", "0", "--to", head.ToString()];

        // The clean run, timed: how long start-up takes and how long the work takes.
        var clean = await postgres.NewDatabaseAsync();
        var clock = Stopwatch.StartNew();
        TimeSpan? firstCommit = null;
        using (var run = BackfillProcess.Start(clean, args))
        {
            while (!run.HasExited)
            {
                if (firstCommit is null && await StoredChain.CursorAsync(clean) is not null)
                {
                    firstCommit = clock.Elapsed;
                }
                await Task.Delay(20);
            }
            Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(5)));
        }
        var total = clock.Elapsed;
        var expected = await StoredChain.ChecksumsAsync(clean);
        Assert.Equal($"main={head}", expected["block_cursor"].Split('/')[0]);

        // 20 runs, each killed at a random instant: even runs during start-up (before their first commit:
        // process start, migration check, lease, first fetch), odd runs 0-150 ms after their first commit (fetch of
        // the next batch, decoding, COPY, commit). Each run resumes where the last one committed.
        var crashed = await postgres.NewDatabaseAsync();
        var random = new Random(20261127);
        var startup = firstCommit ?? total;
        var killedAfterProgress = 0;
        for (var i = 0; i < 20; i++)
        {
            var before = await StoredChain.CursorAsync(crashed);
            using var run = BackfillProcess.Start(crashed, ResumeArgs(before));
            if (i % 2 == 0)
            {
                var delay = TimeSpan.FromMilliseconds(random.NextDouble() * startup.TotalMilliseconds);
                Assert.True(await run.WaitForExitAsync(delay) is null, $"run {i} finished before its kill: {run.Output}");
            }
            else
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (await StoredChain.CursorAsync(crashed) == before && !run.HasExited && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(5);
                }
                var delay = TimeSpan.FromMilliseconds(random.NextDouble() * 150);
                Assert.True(await run.WaitForExitAsync(delay) is null, $"run {i} finished before its kill: {run.Output}");
            }
            run.Kill();
            if (await StoredChain.CursorAsync(crashed) != before)
            {
                killedAfterProgress++;
            }
        }
        Assert.True(await StoredChain.CursorAsync(crashed) < head, "the killed runs finished the backfill: too little work to crash into");
        var (code, output) = await BackfillProcess.RunAsync(crashed, ResumeArgs(await StoredChain.CursorAsync(crashed)));
        Assert.True(code == 0, output);

        Assert.Equal(expected, await StoredChain.ChecksumsAsync(crashed));
        Assert.True(killedAfterProgress >= 10, $"only {killedAfterProgress} of 20 kills came after a commit of their run");
        await StoredChain.AssertContiguousAsync(crashed, 0, head);

        // --from wins over a stored cursor (it re-indexes from there), so a run after a crash resumes with
        // --from cursor + 1, as an operator re-running the command would.
        string[] ResumeArgs(long? cursor) =>
            ["--rpc", simulator.RpcUrl, "--from", (cursor is null ? 0 : cursor.Value + 1).ToString(), "--to", head.ToString()];
    }
}
