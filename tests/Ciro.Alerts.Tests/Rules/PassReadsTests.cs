using Ciro.Alerts.Rules;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>
/// A live pass reads each kind of data once for all its rules (<see cref="PassReads"/>): on the simulated chain every
/// shipped rule must measure exactly what it measures reading the analytics API alone, at times inside each scenario
/// and in the steady hour, with sub-second <c>at</c>s (the API takes whole seconds), while the pass asks the API for
/// jobs, blocks and submit_job_result calls once each.
/// </summary>
[Collection(ScenarioChain.Collection)]
public sealed class PassReadsTests(ScenarioChain chain)
{
    private static readonly IReadOnlyList<AlertRule> Shipped = RuleFileLoader.LoadFolder(Path.Combine(AppContext.BaseDirectory, "alert-rules")).Rules;

    /// <summary>Counts the API reads of each kind.</summary>
    private sealed class Counting(IRuleData inner) : IRuleData
    {
        public Dictionary<string, int> Reads { get; } = [];

        private void Count(string what) => Reads[what] = Reads.GetValueOrDefault(what) + 1;

        public Task<IReadOnlyList<GasCall>> GetGasCallsAsync(DateTimeOffset from, DateTimeOffset to, string? contract, string? function, CancellationToken ct)
        {
            Count($"calls {function}");
            return inner.GetGasCallsAsync(from, to, contract, function, ct);
        }

        public Task<IReadOnlyList<BlockSample>> GetBlocksAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        {
            Count("blocks");
            return inner.GetBlocksAsync(from, to, ct);
        }

        public Task<IReadOnlyList<JobSample>> GetJobsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        {
            Count("jobs");
            return inner.GetJobsAsync(from, to, ct);
        }

        public Task<IReadOnlyList<AnomalySample>> GetAnomaliesAsync(DateTimeOffset from, DateTimeOffset to, string metric, string? contract, string? function,
            CancellationToken ct)
        {
            Count("anomalies");
            return inner.GetAnomaliesAsync(from, to, metric, contract, function, ct);
        }
    }

    private static string Describe(Measurement m) =>
        $"{RuleEvaluator.SeriesKey(m.Labels)} | {m.Value?.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} | {m.Observed} | {m.Expected}";

    [Fact]
    public async Task A_pass_measures_every_shipped_rule_as_reading_alone_with_one_read_of_each_kind()
    {
        await using var analytics = chain.Hosts.App(chain.Database);
        var api = new AnalyticsReader(analytics.CreateClient());
        var half = TimeSpan.FromMilliseconds(500);
        var times = new List<DateTimeOffset> { ScenarioChain.SteadyEnd.AddMinutes(-1) + half };
        foreach (var (from, to) in chain.Segments.Values)
        {
            times.Add(from.AddMinutes(6).AddMilliseconds(700));
            times.Add(to.AddMinutes(2) + half);
        }
        foreach (var at in times)
        {
            var counting = new Counting(api);
            var pass = PassReads.For(counting, Shipped, at);
            foreach (var rule in Shipped)
            {
                var alone = (await RuleConditions.MeasureAsync(rule, at, api, CancellationToken.None)).Select(Describe).ToList();
                var shared = (await RuleConditions.MeasureAsync(rule, at, pass, CancellationToken.None)).Select(Describe).ToList();
                Assert.True(alone.SequenceEqual(shared), $"{rule.Id} at {at:O}:\nalone:\n{string.Join("\n", alone)}\nin the pass:\n{string.Join("\n", shared)}");
                if (at == times[0] && rule.Kind != RuleKind.UsageAnomaly)
                {
                    // Not vacuous: in the steady hour every rule but the anomaly one measures (ScenarioRuleTests).
                    Assert.Contains(alone, m => !m.Contains("| no data:", StringComparison.Ordinal));
                }
            }
            Assert.Equal(1, counting.Reads["jobs"]);
            Assert.Equal(1, counting.Reads["blocks"]);
            Assert.Equal(1, counting.Reads["calls submit_job_result"]);
        }
    }

    /// <summary>
    /// Consecutive passes through the live evaluator's <see cref="WindowCache"/> on the real API: every 5 s for a
    /// minute inside the failing worker's scenario (jobs that never complete, reverted results) and then the steady
    /// chain after it, every read of every shipped rule is row for row the API's answer for its whole range, and the
    /// passes after the first take rows from the cache for every kind. The chain is whole (its newest block is after
    /// every pass), so this checks the merge against the API's own jobs query, not late rows (WindowCacheTests).
    /// </summary>
    [Fact]
    public async Task Passes_every_5_s_through_the_window_cache_read_exactly_what_whole_reads_read()
    {
        await using var analytics = chain.Hosts.App(chain.Database);
        var api = new AnalyticsReader(analytics.CreateClient());
        var head = (await api.GetPipelineStatusAsync(CancellationToken.None)).NewestBlockTime!.Value;
        var cache = WindowCacheTests.NewCache();
        var reused = new Dictionary<string, long>();
        foreach (var start in new[] { chain.Segments["failing-worker"].From.AddMinutes(6), chain.Segments["failing-worker"].To.AddMinutes(20) })
        {
            for (var k = 0; k < 12; k++)
            {
                var at = start.AddSeconds(5 * k).AddMilliseconds(700);
                var counting = new Counting(api);
                var pass = PassReads.For(counting, Shipped, at, cache, head);
                await WindowCacheTests.AssertSameAsWholeReadsAsync(pass, api, at);
                foreach (var (kind, rows) in pass.Counts.RowsReused)
                {
                    reused[kind] = reused.GetValueOrDefault(kind) + rows;
                }
                // One read of each kind a pass (a job id submitted twice would make jobs two: CIRO numbers its jobs).
                Assert.Equal(1, counting.Reads["jobs"]);
                Assert.Equal(1, counting.Reads["blocks"]);
                Assert.Equal(1, counting.Reads["calls submit_job_result"]);
            }
        }
        Assert.True(reused.GetValueOrDefault("blocks") > 0 && reused.GetValueOrDefault("jobs") > 0 && reused.GetValueOrDefault("calls") > 0,
            string.Join(", ", reused));
    }
}
