using System.Diagnostics.Metrics;
using Ciro.Alerts.Rules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>
/// Consecutive live passes extend the previous pass's reads (<see cref="WindowCache"/>): on a chain that keeps arriving
/// (<see cref="LiveChain"/>), every read a shipped rule makes through the cache is exactly the API's answer for its
/// whole range, the API is asked only for what is new (plus the overlap, and the jobs that may still change), and a
/// reorg makes the next pass read whole windows again.
/// </summary>
public sealed class WindowCacheTests
{
    private static readonly IReadOnlyList<AlertRule> Shipped = RuleFileLoader.LoadFolder(Path.Combine(AppContext.BaseDirectory, "alert-rules")).Rules;

    internal static WindowCache NewCache()
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var cache = new WindowCache(Options.Create(new AlertsOptions()), new RuleMetrics(meters), NullLogger<WindowCache>.Instance);
        cache.ListeningStarted();
        return cache;
    }

    /// <summary>The ranges asked of the API, with the rows answered.</summary>
    private sealed class Counting(IRuleData inner) : IRuleData
    {
        public List<(string Kind, DateTimeOffset From, DateTimeOffset To, int Rows)> Reads { get; } = [];

        public async Task<IReadOnlyList<GasCall>> GetGasCallsAsync(DateTimeOffset from, DateTimeOffset to, string? contract, string? function, CancellationToken ct)
        {
            var rows = await inner.GetGasCallsAsync(from, to, contract, function, ct);
            Reads.Add(($"calls {function}", from, to, rows.Count));
            return rows;
        }

        public async Task<IReadOnlyList<BlockSample>> GetBlocksAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        {
            var rows = await inner.GetBlocksAsync(from, to, ct);
            Reads.Add(("blocks", from, to, rows.Count));
            return rows;
        }

        public async Task<IReadOnlyList<JobSample>> GetJobsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        {
            var rows = await inner.GetJobsAsync(from, to, ct);
            Reads.Add(("jobs", from, to, rows.Count));
            return rows;
        }

        public Task<IReadOnlyList<AnomalySample>> GetAnomaliesAsync(DateTimeOffset from, DateTimeOffset to, string metric, string? contract, string? function,
            CancellationToken ct) => inner.GetAnomaliesAsync(from, to, metric, contract, function, ct);
    }

    /// <summary>Every read a rule makes, its answer, and the same read asked of another source.</summary>
    internal sealed class Recording(IRuleData inner) : IRuleData
    {
        public List<(string What, string Got, Func<IRuleData, Task<string>> Again)> Reads { get; } = [];

        private static string Text<T>(IEnumerable<T> rows) => string.Join("\n", rows);

        private async Task<IReadOnlyList<T>> RecordAsync<T>(string what, Func<IRuleData, Task<IReadOnlyList<T>>> read)
        {
            var rows = await read(inner);
            Reads.Add((what, Text(rows), async other => Text(await read(other))));
            return rows;
        }

        public Task<IReadOnlyList<GasCall>> GetGasCallsAsync(DateTimeOffset from, DateTimeOffset to, string? contract, string? function, CancellationToken ct) =>
            RecordAsync($"calls {contract}|{function} [{from:O}, {to:O})", d => d.GetGasCallsAsync(from, to, contract, function, ct));

        public Task<IReadOnlyList<BlockSample>> GetBlocksAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
            RecordAsync($"blocks [{from:O}, {to:O})", d => d.GetBlocksAsync(from, to, ct));

        public Task<IReadOnlyList<JobSample>> GetJobsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
            RecordAsync($"jobs [{from:O}, {to:O})", d => d.GetJobsAsync(from, to, ct));

        public Task<IReadOnlyList<AnomalySample>> GetAnomaliesAsync(DateTimeOffset from, DateTimeOffset to, string metric, string? contract, string? function,
            CancellationToken ct) => inner.GetAnomaliesAsync(from, to, metric, contract, function, ct);
    }

    private static string Describe(Measurement m) =>
        $"{RuleEvaluator.SeriesKey(m.Labels)} | {m.Value?.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} | {m.Observed} | {m.Expected}";

    /// <summary>Every shipped rule, through <paramref name="pass"/> and straight from <paramref name="chain"/>: the same
    /// rows for every read and the same measures. Returns the rules' measures.</summary>
    internal static async Task<List<string>> AssertSameAsWholeReadsAsync(PassReads pass, IRuleData chain, DateTimeOffset at)
    {
        var measured = new List<string>();
        foreach (var rule in Shipped)
        {
            var recording = new Recording(pass);
            var cached = (await RuleConditions.MeasureAsync(rule, at, recording, CancellationToken.None)).Select(Describe).ToList();
            foreach (var (what, got, again) in recording.Reads)
            {
                var whole = await again(chain);
                Assert.True(whole == got, $"{rule.Id} at {at:O}, {what}:\nwhole read:\n{whole}\nthrough the cache:\n{got}");
            }
            var alone = (await RuleConditions.MeasureAsync(rule, at, chain, CancellationToken.None)).Select(Describe).ToList();
            Assert.True(alone.SequenceEqual(cached), $"{rule.Id} at {at:O}:\nalone:\n{string.Join("\n", alone)}\nthrough the cache:\n{string.Join("\n", cached)}");
            measured.AddRange(cached);
        }
        return measured;
    }

    [Fact]
    public async Task Passes_every_5_s_over_a_chain_that_keeps_arriving_read_exactly_what_whole_reads_read()
    {
        // 1.5 s blocks (two blocks share some seconds) for 70 minutes; the passes run from minute 57 to 63, so every
        // window (jobs: 50 minutes) is full. Job j2080 (52:00) completes 320 blocks (8 minutes) later, within the
        // unfinished-job horizon; dup is submitted at 50:00 and again at 61:30, both inside the jobs' window, the second
        // when the passes re-read jobs from after the first.
        const long slowJob = 2080, dupFirst = 2000, dupSecond = 2460;
        var chain = new LiveChain(1.5, 2800, slowJob: slowJob, dup: (dupFirst, dupSecond));
        var cache = NewCache();
        var start = LiveChain.Genesis.AddMinutes(57).AddMilliseconds(300);
        var reused = new Dictionary<string, long>();
        var wholeJobReads = new List<int>();
        bool dupSeen = false, slowSeenUnfinished = false, slowSeenCompleted = false;
        // The indexer 3 s behind the passes, except that it stops for 30 passes (150 s, longer than the overlap) and then
        // catches up: rows keep arriving that are older than the previous pass's `to` less the overlap.
        DateTimeOffset Indexed(int k) => start.AddSeconds(5 * (k is >= 20 and < 50 ? 19 : k) - 3);
        for (var k = 0; k < 72; k++)
        {
            var at = start.AddSeconds(5 * k);
            chain.ShowUpTo(Indexed(k));
            var counting = new Counting(chain);
            var pass = PassReads.For(counting, Shipped, at, cache, chain.HeadTime);
            var measured = await AssertSameAsWholeReadsAsync(pass, chain, at);
            Assert.Contains(measured, m => !m.Contains("| no data:", StringComparison.Ordinal)); // not vacuous
            foreach (var (kind, rows) in pass.Counts.RowsReused)
            {
                reused[kind] = reused.GetValueOrDefault(kind) + rows;
            }
            var planned = PassReads.Plan(Shipped, at)["jobs"];
            if (k > 0 && counting.Reads.Any(r => r.Kind == "jobs" && WindowCache.Second(r.From) == WindowCache.Second(planned)))
            {
                wholeJobReads.Add(k);
            }
            var jobs = await pass.GetJobsAsync(planned, at, CancellationToken.None);
            dupSeen |= jobs.Any(j => j.JobId == "dup");
            slowSeenUnfinished |= jobs.Any(j => j.JobId == $"j{slowJob}" && j.CompletedAt is null);
            slowSeenCompleted |= jobs.Any(j => j.JobId == $"j{slowJob}" && j.CompletedAt is not null);
        }
        // Not vacuous: rows were taken from the cache for every kind, the slow job was kept unfinished and completed
        // later, and dup's second submission made jobs read whole (its id came back in the fresh read).
        Assert.True(reused["blocks"] > 0 && reused["jobs"] > 0 && reused["calls"] > 0, string.Join(", ", reused));
        Assert.True(dupSeen && slowSeenUnfinished && slowSeenCompleted);
        var dupBack = Enumerable.Range(0, 72).First(k => chain.TimeOf(dupSecond) <= Indexed(k));
        Assert.Contains(dupBack, wholeJobReads);
    }

    [Fact]
    public async Task A_pass_after_the_first_reads_only_the_new_interval_and_the_overlap()
    {
        // Two-second blocks, the indexer 10 s behind: the first pass at 60:00.5 sees blocks up to 59:50.
        var chain = new LiveChain(2, 2100);
        var cache = NewCache();
        var at = LiveChain.Genesis.AddMinutes(60).AddMilliseconds(500);
        var t = (int s) => LiveChain.Genesis.AddSeconds(s);
        chain.ShowUpTo(at.AddSeconds(-10));
        Assert.Equal(t(3590), chain.HeadTime);
        var first = new Counting(chain);
        await AssertSameAsWholeReadsAsync(PassReads.For(first, Shipped, at, cache, chain.HeadTime), chain, at);
        // Whole windows: blocks 5 minutes, submit_job_result calls 35 minutes (gas-spike's window and baseline), jobs 50
        // (slow-execution's 10 + 30 minutes and the 10-minute job lookback).
        Assert.Equal(new[] { ("blocks", t(3300), t(3600)), ("calls submit_job_result", t(1500), t(3600)), ("jobs", t(600), t(3600)) },
            first.Reads.Select(r => (r.Kind, WindowCache.Second(r.From), WindowCache.Second(r.To))).Order().ToArray());

        at = at.AddSeconds(5);
        chain.ShowUpTo(at.AddSeconds(-10));
        var second = new Counting(chain);
        var pass = PassReads.For(second, Shipped, at, cache, chain.HeadTime);
        await AssertSameAsWholeReadsAsync(pass, chain, at);
        // From the first pass's newest block (59:50) less the 2-minute overlap; jobs from the earliest job without a
        // completion submitted in the 10 minutes before it: j1498 (49:56), which failed (every 14th job does).
        Assert.Equal(new[] { ("blocks", t(3470), t(3605)), ("calls submit_job_result", t(3470), t(3605)), ("jobs", t(2996), t(3605)) },
            second.Reads.Select(r => (r.Kind, WindowCache.Second(r.From), WindowCache.Second(r.To))).Order().ToArray());
        // Blocks 1735–1797 read (63), 1653–1734 kept (82): the whole window 56:45–60:05 holds blocks 1653–1797.
        Assert.Equal(63, second.Reads.Single(r => r.Kind == "blocks").Rows);
        Assert.Equal(82L, pass.Counts.RowsReused["blocks"]);
        // Jobs j1498–j1797 read (300), j303–j1497 kept (1,195).
        Assert.Equal(300, second.Reads.Single(r => r.Kind == "jobs").Rows);
        Assert.Equal(1195L, pass.Counts.RowsReused["jobs"]);
        Assert.Equal(second.Reads.Sum(r => (long)r.Rows), pass.Counts.RowsRead.Values.Sum());
    }

    [Fact]
    public async Task After_a_reorg_the_next_pass_reads_whole_windows_and_answers_the_replaced_rows()
    {
        var chain = new LiveChain(2, 2100);
        // Two caches through the same passes: one is told of the reorg, the other shows what it would answer if not.
        var (cache, untold) = (NewCache(), NewCache());
        var at = LiveChain.Genesis.AddMinutes(60).AddMilliseconds(500);
        foreach (var pass in new[] { at, at.AddSeconds(5) })
        {
            chain.ShowUpTo(pass.AddSeconds(-10));
            foreach (var c in new[] { cache, untold })
            {
                await AssertSameAsWholeReadsAsync(PassReads.For(new Counting(chain), Shipped, pass, c, chain.HeadTime), chain, pass);
            }
        }
        Assert.Equal(new[] { "blocks", "calls||submit_job_result", "jobs" }, cache.Kept);

        // Blocks from 56:40 on replaced: deeper than the 2-minute overlap, so only the Reorg message can tell.
        chain.Reorganise(1700);
        at = at.AddSeconds(10);
        chain.ShowUpTo(at.AddSeconds(-10));
        var plan = PassReads.Plan(Shipped, at);
        var whole = string.Join("\n", await chain.GetBlocksAsync(plan["blocks"], at, CancellationToken.None));
        var stale = await PassReads.For(new Counting(chain), Shipped, at, untold, chain.HeadTime).GetBlocksAsync(plan["blocks"], at, CancellationToken.None);
        Assert.NotEqual(whole, string.Join("\n", stale));

        cache.Clear("reorg", "test: reorg from block 1700");
        Assert.Empty(cache.Kept);
        var counting = new Counting(chain);
        var after = PassReads.For(counting, Shipped, at, cache, chain.HeadTime);
        await AssertSameAsWholeReadsAsync(after, chain, at);
        Assert.Equal(whole, string.Join("\n", await after.GetBlocksAsync(plan["blocks"], at, CancellationToken.None)));
        Assert.Equal(
            new[] { ("blocks", WindowCache.Second(plan["blocks"])), ("calls submit_job_result", WindowCache.Second(plan["calls||submit_job_result"])),
                ("jobs", WindowCache.Second(plan["jobs"])) },
            counting.Reads.Select(r => (r.Kind, WindowCache.Second(r.From))).Order().ToArray());
        Assert.Empty(after.Counts.RowsReused);
    }

    [Fact]
    public void The_options_are_validated_at_start_naming_the_setting()
    {
        var options = new AlertsOptions { Email = { To = { "ops@example.org" } } };
        options.WindowCache.Overlap = TimeSpan.FromSeconds(-1);
        options.WindowCache.UnfinishedJobHorizon = TimeSpan.FromDays(2);
        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(p => p.ErrorMessage).ToList();
        Assert.Equal(new[]
        {
            "Alerts:WindowCache:Overlap = '-00:00:01' must be from 00:00:00 to 01:00:00.",
            "Alerts:WindowCache:UnfinishedJobHorizon = '2.00:00:00' must be from 00:00:00 to 1.00:00:00.",
        }, problems);
    }

    [Fact]
    public async Task Disabled_every_pass_reads_whole_windows()
    {
        var chain = new LiveChain(2, 2100);
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var options = new AlertsOptions();
        options.WindowCache.Enabled = false;
        var cache = new WindowCache(Options.Create(options), new RuleMetrics(meters), NullLogger<WindowCache>.Instance);
        cache.ListeningStarted();
        Assert.False(cache.Active);
        var at = LiveChain.Genesis.AddMinutes(60).AddMilliseconds(500);
        foreach (var step in new[] { 0, 5 })
        {
            chain.ShowUpTo(at.AddSeconds(step - 10));
            var counting = new Counting(chain);
            var pass = PassReads.For(counting, Shipped, at.AddSeconds(step), cache, chain.HeadTime);
            await AssertSameAsWholeReadsAsync(pass, chain, at.AddSeconds(step));
            var plan = PassReads.Plan(Shipped, at.AddSeconds(step));
            Assert.Equal(new[] { WindowCache.Second(plan["blocks"]), WindowCache.Second(plan["calls||submit_job_result"]), WindowCache.Second(plan["jobs"]) },
                counting.Reads.OrderBy(r => r.Kind, StringComparer.Ordinal).Select(r => WindowCache.Second(r.From)).ToArray());
            Assert.Empty(pass.Counts.RowsReused);
        }
        Assert.Empty(cache.Kept);
    }
}
