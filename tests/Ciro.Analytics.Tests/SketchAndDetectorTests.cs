using System.Diagnostics;
using Ciro.Analytics.Anomalies;
using Ciro.Analytics.Sketches;
using Xunit.Abstractions;

namespace Ciro.Analytics.Tests;

public sealed class DDSketchTests
{
    private static double Exact(List<double> sorted, double q) => sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1)];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void Quantiles_are_within_relative_accuracy_and_merge_equals_one_sketch(int seed)
    {
        var random = new Random(seed);
        // Log-normal gas-like values plus zeros: skewed, spanning several decades.
        var values = Enumerable.Range(0, 20_000).Select(_ => random.Next(50) == 0 ? 0 : Math.Exp(random.NextDouble() * 12 + 3)).ToList();
        var whole = DDSketch.Of(values);
        var merged = new DDSketch();
        foreach (var chunk in values.Chunk(997))
        {
            merged.Merge(DDSketch.Deserialize(DDSketch.Of(chunk).Serialize()));
        }
        var sorted = values.Order().ToList();
        foreach (var q in new[] { 0.0, 0.01, 0.5, 0.95, 0.99, 1.0 })
        {
            var exact = Exact(sorted, q);
            Assert.InRange(whole.Quantile(q)!.Value, exact * (1 - DDSketch.RelativeAccuracy), exact * (1 + DDSketch.RelativeAccuracy));
            Assert.Equal(whole.Quantile(q), merged.Quantile(q));
        }
        Assert.Equal(whole.Serialize(), merged.Serialize());
        Assert.True(whole.Serialize().Length < 3000, $"sketch is {whole.Serialize().Length} bytes");
    }

    [Fact]
    public void Empty_and_invalid()
    {
        Assert.Null(new DDSketch().Quantile(0.5));
        Assert.Null(DDSketch.Deserialize(new DDSketch().Serialize()).Quantile(0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DDSketch().Add(-1));
        Assert.Throws<FormatException>(() => DDSketch.Deserialize([9, 0]));
    }
}

/// <summary>Labeled synthetic series → alert episodes → precision/recall, with floors that fail the build.</summary>
public sealed class DetectorQualityTests(ITestOutputHelper output)
{
    private sealed record Labeled(string Kind, List<(DateTimeOffset T, double V)> Points, List<(int Start, int End)> Windows);

    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Hourly series, 5 weeks: level 1000, daily cycle ±300, weekend dip, Gaussian noise σ = 30.
    /// Events start after the first 2 weeks (warm-up and seasonal baseline); each label window is where an
    /// alert counts as a detection of that event.</summary>
    private static Labeled Generate(string kind, int seed)
    {
        var random = new Random(seed);
        const int n = 24 * 35;
        double Noise() => 30 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var points = new List<(DateTimeOffset, double)>();
        var windows = new List<(int, int)>();
        var at = 24 * 14 + random.Next(24 * 14);
        for (var i = 0; i < n; i++)
        {
            var t = Start.AddHours(i);
            var amplitude = kind == "seasonality" && i >= at ? 900 : 300;
            var weekend = t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? -200 : 0;
            var v = 1000 + amplitude * Math.Sin(2 * Math.PI * t.Hour / 24) + weekend + Noise();
            v += kind switch
            {
                "spike" when i == at || i == at + 100 => 400 + random.Next(200),
                "level_shift" when i >= at => 350,
                "drift" when i >= at => Math.Min(i - at, 72) * 6,
                _ => 0,
            };
            points.Add((t, v));
        }
        switch (kind)
        {
            case "spike":
                windows.Add((at, at + 1));
                windows.Add((at + 100, at + 101));
                break;
            case "level_shift":
                windows.Add((at, at + 24));
                break;
            case "drift":
                windows.Add((at, at + 96));
                break;
            case "seasonality":
                windows.Add((at, at + 48));
                break;
        }
        return new Labeled(kind, points, windows);
    }

    [Fact]
    public void Precision_and_recall_on_labeled_series_meet_floors()
    {
        var kinds = new[] { "spike", "level_shift", "drift", "seasonality", "noise" };
        var alerts = 0;
        var truePositives = 0;
        var events = 0;
        var detected = 0;
        var perKind = new Dictionary<string, (int Alerts, int Tp, int Events, int Detected)>();
        foreach (var kind in kinds)
        {
            for (var seed = 0; seed < 20; seed++)
            {
                var series = Generate(kind, seed * 31 + kind.Length);
                var detector = new SeasonalDetector(kind);
                var episodes = new EpisodeTracker();
                var starts = new List<int>();
                for (var i = 0; i < series.Points.Count; i++)
                {
                    var score = detector.Observe(series.Points[i].T, series.Points[i].V);
                    Assert.InRange(score.Score, 0, 1);
                    if (episodes.Next(score.Score))
                    {
                        starts.Add(i);
                    }
                }
                var tp = starts.Count(s => series.Windows.Any(w => s >= w.Start && s < w.End));
                var found = series.Windows.Count(w => starts.Any(s => s >= w.Start && s < w.End));
                alerts += starts.Count;
                truePositives += tp;
                events += series.Windows.Count;
                detected += found;
                var k = perKind.GetValueOrDefault(kind);
                perKind[kind] = (k.Alerts + starts.Count, k.Tp + tp, k.Events + series.Windows.Count, k.Detected + found);
            }
        }
        var precision = (double)truePositives / Math.Max(1, alerts);
        var recall = (double)detected / events;
        foreach (var (kind, k) in perKind)
        {
            output.WriteLine($"{kind}: alerts {k.Alerts}, true {k.Tp}, events {k.Events}, detected {k.Detected}");
        }
        output.WriteLine($"precision {precision:F3} ({truePositives}/{alerts}), recall {recall:F3} ({detected}/{events})");
        Console.WriteLine($"detector: precision {precision:F3} ({truePositives}/{alerts}), recall {recall:F3} ({detected}/{events})");
        Assert.True(precision >= 0.8, $"precision {precision:F3}");
        Assert.True(recall >= 0.8, $"recall {recall:F3}");
        Assert.True(perKind["noise"].Alerts <= 2, $"{perKind["noise"].Alerts} alerts on 20 noise-only series");
    }

    [Fact]
    public void Warm_up_gives_no_scores_and_explanations_name_the_series_and_range()
    {
        var detector = new SeasonalDetector("network tx_count");
        var scores = Enumerable.Range(0, 24 * 8).Select(i => detector.Observe(Start.AddHours(i), 100 + (i % 24))).ToList();
        Assert.All(scores.Take(168), s => Assert.True(s.WarmingUp && s.Score == 0));
        var spike = detector.Observe(Start.AddHours(24 * 8), 1000);
        Assert.True(spike.Score > 0.9, spike.Explanation);
        Assert.Contains("network tx_count", spike.Explanation);
        Assert.Contains("expected", spike.Explanation);
        Assert.Contains("same hour of", spike.Explanation);
    }

    [Fact]
    public void Detect_command_runs_offline_without_the_web_host()
    {
        var dir = Directory.CreateTempSubdirectory("ciro-detect").FullName;
        var input = Path.Combine(dir, "series.csv");
        var outputFile = Path.Combine(dir, "scores.csv");
        var series = Generate("spike", 5);
        File.WriteAllLines(input, ["timestamp,value", .. series.Points.Select(p => $"{p.T:O},{p.V.ToString(System.Globalization.CultureInfo.InvariantCulture)}")]);
        var dll = Path.Combine(AppContext.BaseDirectory, "Ciro.Analytics.dll");
        // No connection strings are given: if the web host started, it would fail or keep running.
        var info = new ProcessStartInfo("dotnet", [dll, "detect", "--input", input, "--output", outputFile]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        Assert.True(process.WaitForExit(60_000), "detect did not finish");
        Assert.Equal(0, process.ExitCode);
        var lines = File.ReadAllLines(outputFile);
        Assert.Equal("timestamp,value,anomaly_score", lines[0]);
        Assert.Equal(series.Points.Count + 1, lines.Length);
        var scores = lines.Skip(1).Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(scores[series.Windows[0].Start] >= 0.5, $"spike scored {scores[series.Windows[0].Start]}");
        Assert.Contains("points", process.StandardOutput.ReadToEnd());
        Directory.Delete(dir, true);
    }
}
