using Ciro.Analytics.Anomalies;
using Xunit.Abstractions;

namespace Ciro.Analytics.Tests;

/// <summary>
/// The streaming detector on generated series whose truth is known: each kind of change is found within a
/// bound and reported as one episode, at minute, 5-minute and hourly sampling; series with nothing anomalous
/// (noise, a noiseless cycle, a square wave, a flat line) never reach 0.5. Its quality on real labelled series
/// is measured by `bench/run detector`, not here.
/// </summary>
public sealed class DetectorTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero); // a Monday

    public enum Change { Spike, Dip, LevelShift, Drift, VarianceChange, SeasonalityBreak }

    /// <summary>Sampling interval in minutes → series length: enough for the warm-up (one day, at least 100
    /// points), two days for the daily pattern to be trusted, and days of normal data before the change.</summary>
    private static readonly Dictionary<int, int> Days = new() { [1] = 6, [5] = 10, [60] = 21 };

    /// <summary>Level 100, daily cycle ±20, Gaussian noise σ = 2 (the scale of the bounds below).</summary>
    private static double Normal(DateTimeOffset t, Random random, double sigma = 2) =>
        100 + 20 * Math.Sin(2 * Math.PI * t.TimeOfDay.TotalDays) + sigma * Gaussian(random);

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static (List<(DateTimeOffset T, double V)> Points, int At) Generate(Change change, int minutes, int seed)
    {
        var random = new Random(seed);
        var n = Days[minutes] * 24 * 60 / minutes;
        var at = (int)(n * 0.75) + random.Next(n / 10);
        var points = new List<(DateTimeOffset, double)>(n);
        for (var i = 0; i < n; i++)
        {
            var t = Start.AddMinutes(i * minutes);
            var after = i - at;
            var v = change switch
            {
                Change.VarianceChange when after >= 0 => Normal(t, random, sigma: 10),
                // The daily cycle turns upside down (a job that ran by day now runs by night).
                Change.SeasonalityBreak when after >= 0 => 100 - 20 * Math.Sin(2 * Math.PI * t.TimeOfDay.TotalDays) + 2 * Gaussian(random),
                _ => Normal(t, random),
            };
            v += change switch
            {
                Change.Spike when after == 0 => 40,
                Change.Dip when after == 0 => -40,
                Change.LevelShift when after >= 0 => 30,
                // +1 σ every 2 observations, up to +40.
                Change.Drift when after >= 0 => Math.Min(after, 40),
                _ => 0,
            };
            points.Add((t, v));
        }
        return (points, at);
    }

    /// <summary>Observations allowed between the change and its first score ≥ 0.5.</summary>
    private static int Bound(Change change, int minutes) => change switch
    {
        Change.Spike or Change.Dip => 0,
        Change.LevelShift => 3,
        Change.Drift => 20,
        Change.VarianceChange => 20,
        // The inverted cycle differs most from the usual one a quarter day either side of the change.
        _ => Math.Max(10, 6 * 60 / minutes),
    };

    /// <summary>Every change kind at minute, 5-minute and hourly sampling.</summary>
    public static TheoryData<Change, int> Changes()
    {
        var data = new TheoryData<Change, int>();
        foreach (var change in Enum.GetValues<Change>())
        {
            foreach (var minutes in new[] { 1, 5, 60 })
            {
                data.Add(change, minutes);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public void Each_change_is_found_within_its_bound_as_one_episode(Change change, int minutes)
    {
        for (var seed = 1; seed <= 3; seed++)
        {
            var (points, at) = Generate(change, minutes, seed * 97 + minutes);
            var detector = new StreamingDetector($"{change} every {minutes} min");
            var scores = points.Select(p => detector.Observe(p.T, p.V)).ToList();
            Assert.Equal(TimeSpan.FromMinutes(minutes), detector.Interval);
            var starts = Enumerable.Range(0, scores.Count).Where(i => scores[i].EpisodeStart).ToList();
            output.WriteLine($"seed {seed}: change at {at}, episodes at [{string.Join(", ", starts)}]");
            foreach (var i in starts)
            {
                output.WriteLine($"  {i}: {scores[i].Explanation}");
            }
            Assert.All(scores, s => Assert.InRange(s.Score, 0, 1));
            var first = Enumerable.Range(at, scores.Count - at).FirstOrDefault(i => scores[i].Score >= 0.5, -1);
            Assert.True(first >= 0, $"seed {seed}: {change} at {at} never scored 0.5");
            Assert.True(first - at <= Bound(change, minutes), $"seed {seed}: {change} at {at} first scored 0.5 at {first}: {scores[first].Explanation}");
            Assert.Equal([first], starts);
        }
    }

    public enum Quiet { Noise, Sine, Square, Flat }

    public static TheoryData<Quiet, int> QuietSeries()
    {
        var data = new TheoryData<Quiet, int>();
        foreach (var kind in Enum.GetValues<Quiet>())
        {
            foreach (var minutes in new[] { 1, 5, 60 })
            {
                data.Add(kind, minutes);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(QuietSeries))]
    public void Nothing_anomalous_never_scores_half(Quiet kind, int minutes)
    {
        for (var seed = 1; seed <= 5; seed++)
        {
            var random = new Random(seed * 31 + minutes);
            var detector = new StreamingDetector($"{kind} every {minutes} min");
            var n = Days[minutes] * 2 * 24 * 60 / minutes;
            var highest = 0.0;
            for (var i = 0; i < n; i++)
            {
                var t = Start.AddMinutes(i * minutes);
                var phase = t.TimeOfDay.TotalDays;
                var value = kind switch
                {
                    Quiet.Noise => 50 + 5 * Gaussian(random),
                    Quiet.Sine => 100 + 20 * Math.Sin(2 * Math.PI * phase),
                    Quiet.Square => phase < 0.5 ? 10 : 30,
                    _ => 7,
                };
                var score = detector.Observe(t, value);
                Assert.True(score.Score < 0.5, $"seed {seed}, point {i}: {score.Explanation}");
                highest = Math.Max(highest, score.Score);
            }
            output.WriteLine($"seed {seed}: highest score {highest:F3} over {n} points");
        }
    }

    [Fact]
    public void Warm_up_gives_no_score_then_a_spike_is_explained()
    {
        var detector = new StreamingDetector("network tx_count");
        var random = new Random(7);
        // Hourly: the warm-up is 31 steps to learn the interval, then 100 observations.
        var scores = Enumerable.Range(0, 200).Select(i => detector.Observe(Start.AddHours(i), Normal(Start.AddHours(i), random))).ToList();
        Assert.All(scores.Take(132), s => Assert.True(s.WarmingUp && s.Score == 0 && s.Expected is null, s.Explanation));
        Assert.All(scores.Skip(132), s => Assert.False(s.WarmingUp));
        var spike = detector.Observe(Start.AddHours(200), 400);
        Assert.True(spike.Score > 0.9 && spike.EpisodeStart, spike.Explanation);
        Assert.Equal(ChangeKind.Spike, spike.Kind);
        Assert.True(spike.Expected is > 70 and < 130, spike.Explanation);
        Assert.True(spike.Upper < 400 && spike.Lower < spike.Expected, spike.Explanation);
        Assert.StartsWith("network tx_count: observed 400 at 2026-01-13 08:00:00Z, expected ", spike.Explanation);
        Assert.Contains("spike above the expected range", spike.Explanation);
    }

    [Fact]
    public void Irregular_timestamps_gaps_and_repeats_are_accepted_and_the_interval_is_the_typical_step()
    {
        var detector = new StreamingDetector("irregular");
        var random = new Random(3);
        var t = Start;
        var scores = new List<AnomalyScore>();
        for (var i = 0; i < 3000; i++)
        {
            // Mostly 5-minute steps with jitter, a repeated timestamp every 50 points, and a 6-hour gap.
            t = i % 50 == 0 ? t : i == 1500 ? t.AddHours(6) : t.AddSeconds(300 + random.Next(-20, 21));
            scores.Add(detector.Observe(t, Normal(t, random)));
        }
        Assert.InRange(detector.Interval!.Value.TotalSeconds, 285, 315);
        Assert.All(scores, s => Assert.True(s.Score < 0.5, s.Explanation));
        Assert.Throws<ArgumentException>(() => detector.Observe(t.AddMinutes(-1), 100));
        var missing = detector.Observe(t.AddMinutes(5), double.NaN);
        Assert.Equal(0, missing.Score);
        Assert.Contains("no data", missing.Explanation);
    }
}

/// <summary>The offline `detect` command: runs without the web host; bad input exits 3 naming the line and
/// value and leaves no output file behind.</summary>
public sealed class DetectCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ciro-detect").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private async Task<(int Code, string Out, string Error, string Output)> RunAsync(string? content, string[]? extra = null)
    {
        var input = Path.Combine(_dir, "series.csv");
        if (content is not null)
        {
            await File.WriteAllTextAsync(input, content);
        }
        var output = Path.Combine(_dir, "scores.csv");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await DetectCommand.RunAsync(extra ?? ["--input", input, "--output", output], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString(), output);
    }

    [Fact]
    public async Task Scores_every_row_in_order_and_writes_the_scorer_format()
    {
        var random = new Random(4);
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(0, 600).Select(i => (T: start.AddMinutes(5 * i), V: i == 500 ? 400 : 100 + 3 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToList();
        var (code, stdout, stderr, output) = await RunAsync("timestamp,value\n" + string.Join("\n", rows.Select(r => $"{r.T:yyyy-MM-dd HH:mm:ss},{r.V.ToString(System.Globalization.CultureInfo.InvariantCulture)}")));
        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(output);
        Assert.Equal("timestamp,value,anomaly_score", lines[0]);
        Assert.Equal(601, lines.Length);
        var scores = lines.Skip(1).Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        // The same detector, fed the same rows, gives the same scores (to the 6 decimals written).
        var detector = new StreamingDetector("series");
        var expected = rows.Select(r => Math.Round(detector.Observe(r.T, r.V).Score, 6)).ToList();
        Assert.Equal(expected, scores);
        Assert.True(scores[500] >= 0.5, $"spike scored {scores[500]}");
        Assert.Equal("detect: 600 points, 1 anomaly episodes, written to " + output, stdout.Trim());
    }

    [Theory]
    [InlineData("timestamp,value\n2026-01-05T00:00:00Z,1\n2026-01-05T00:05:00Z,abc\n", "line 3: value 'abc' is not a number")]
    [InlineData("timestamp,value\n2026-01-05T00:10:00Z,1\n2026-01-05T00:05:00Z,2\n", "line 3: timestamp '2026-01-05T00:05:00Z' is before the previous line's; rows must be in time order")]
    [InlineData("timestamp,value\n2026-01-05T00:10:00Z,1\nyesterday,2\n", "line 3: timestamp 'yesterday' is not ISO 8601 or unix seconds")]
    [InlineData("", "has no timestamp,value rows")]
    [InlineData("timestamp,value\n", "has no timestamp,value rows")]
    public async Task Bad_input_exits_3_naming_the_line_and_value_and_writes_nothing(string content, string message)
    {
        var (code, _, stderr, output) = await RunAsync(content);
        Assert.Equal(3, code);
        Assert.Contains(message, stderr);
        Assert.False(File.Exists(output));
        Assert.Equal([Path.Combine(_dir, "series.csv")], Directory.GetFiles(_dir).Where(f => f.EndsWith(".csv", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_missing_input_file_or_argument_exits_2()
    {
        var (code, _, stderr, output) = await RunAsync(null);
        Assert.Equal(2, code);
        Assert.Contains($"input '{Path.Combine(_dir, "series.csv")}' does not exist", stderr);
        Assert.False(File.Exists(output));
        (code, _, stderr, _) = await RunAsync(null, ["--input"]);
        Assert.Equal(2, code);
        Assert.Contains("usage: detect --input series.csv --output scores.csv", stderr);
    }

    [Fact]
    public void Runs_offline_without_the_web_host()
    {
        var input = Path.Combine(_dir, "series.csv");
        var output = Path.Combine(_dir, "scores.csv");
        File.WriteAllLines(input, ["timestamp,value", .. Enumerable.Range(0, 50).Select(i => $"{1767571200 + 60 * i},{i % 7}")]);
        var dll = Path.Combine(AppContext.BaseDirectory, "Ciro.Analytics.dll");
        // No connection strings are given: if the web host started, it would fail or keep running.
        var info = new System.Diagnostics.ProcessStartInfo("dotnet", [dll, "detect", "--input", input, "--output", output]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        Assert.True(process.WaitForExit(60_000), "detect did not finish");
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(51, File.ReadAllLines(output).Length);
        Assert.Contains("detect: 50 points", process.StandardOutput.ReadToEnd());
    }
}
