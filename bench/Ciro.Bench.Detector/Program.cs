// bench/run detector [--data DIR] [--keep DIR] [--set Option=value ...]
// Scores the streaming detector on the labelled real series in tests/TestData/anomaly (NAB subset) with the NAB
// scorer beside them, measures throughput on one core and the process's peak RSS, and ends with one line:
// "detector: NAB-standard S on N series, P points/s, peak RSS M MB"; before it, the other two NAB profiles and
// precision, recall and records per day at the NAB threshold and at 0.5.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ciro.Analytics.Anomalies;

var root = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(root, "CiroAspire.sln")))
{
    root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("run from inside the repository");
}
var data = Path.Combine(root, "tests", "TestData", "anomaly");
string? keep = null;
var options = new DetectorOptions();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data" when i + 1 < args.Length:
            data = args[++i];
            break;
        case "--keep" when i + 1 < args.Length:
            keep = args[++i];
            break;
        case "--set" when i + 1 < args.Length:
            // Method experiments without rebuilding: --set ShortAlpha=0.1
            var (name, text) = (args[++i].Split('=')[0], args[i].Split('=')[1]);
            var property = typeof(DetectorOptions).GetProperty(name) ?? throw new ArgumentException($"no option '{name}'");
            options = options with { };
            property.SetValue(options, Convert.ChangeType(text, property.PropertyType, CultureInfo.InvariantCulture));
            break;
        default:
            Console.Error.WriteLine("usage: bench/run detector [--data DIR] [--keep DIR] [--set Option=value ...]");
            return 2;
    }
}

var files = Directory.GetFiles(Path.Combine(data, "data"), "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
var series = files.Select(path =>
{
    var lines = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).ToArray();
    var times = new DateTimeOffset[lines.Length];
    var values = new double[lines.Length];
    for (var i = 0; i < lines.Length; i++)
    {
        var comma = lines[i].IndexOf(',');
        times[i] = new DateTimeOffset(DateTime.ParseExact(lines[i][..comma], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), TimeSpan.Zero);
        values[i] = double.Parse(lines[i][(comma + 1)..], CultureInfo.InvariantCulture);
    }
    return (Path: path, Lines: lines, Times: times, Values: values);
}).ToList();

// Quality: one pass, scores written where the scorer expects them.
var output = keep ?? Directory.CreateTempSubdirectory("ciro-detector-bench").FullName;
var scored = new Dictionary<string, double[]>();
foreach (var s in series)
{
    var scores = scored[Path.GetRelativePath(Path.Combine(data, "data"), s.Path).Replace('\\', '/')] = new double[s.Values.Length];
    var detector = new StreamingDetector(Path.GetFileNameWithoutExtension(s.Path), options);
    var target = Path.Combine(output, Path.GetRelativePath(Path.Combine(data, "data"), s.Path));
    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
    using var writer = new StreamWriter(target);
    writer.WriteLine("timestamp,value,anomaly_score");
    for (var i = 0; i < s.Values.Length; i++)
    {
        var score = detector.Observe(s.Times[i], s.Values[i]);
        scores[i] = score.Score;
        writer.Write(s.Lines[i]);
        writer.Write(',');
        writer.WriteLine(score.Score.ToString("0.######", CultureInfo.InvariantCulture));
    }
}
var scorer = Process.Start(new ProcessStartInfo("python3", [Path.Combine(data, "nab_score.py"), output]) { RedirectStandardOutput = true })!;
var report = scorer.StandardOutput.ReadToEnd();
scorer.WaitForExit();
Console.Write(report);
if (scorer.ExitCode != 0)
{
    Console.Error.WriteLine($"nab_score.py failed with exit code {scorer.ExitCode}");
    return 1;
}
var standard = report.Split('\n').Single(l => l.StartsWith("NAB-standard score ", StringComparison.Ordinal));
var total = standard.Split(' ')[2];
var threshold = double.Parse(standard.Split("threshold ")[1].Split(',')[0], CultureInfo.InvariantCulture);
// The other two NAB profiles (false positives cost double; missed windows cost double), for the record.
foreach (var profile in new[] { "reward_low_FP_rate", "reward_low_FN_rate" })
{
    var other = Process.Start(new ProcessStartInfo("python3", [Path.Combine(data, "nab_score.py"), output, profile]) { RedirectStandardOutput = true })!;
    Console.WriteLine(other.StandardOutput.ReadToEnd().Split('\n').Single(l => l.StartsWith("NAB-", StringComparison.Ordinal)));
    other.WaitForExit();
}

// What an operator would see (NAB's rules: the first 15 % of each file, at most 750 records, is not scored): at the
// NAB-standard threshold and at 0.5, where the detector opens an episode, the records at or above it, the share of
// them inside a labelled window (precision), the windows with at least one (recall) and records per day of data.
var windows = JsonSerializer.Deserialize<Dictionary<string, string[][]>>(File.ReadAllText(Path.Combine(data, "labels", "windows.json")))!;
foreach (var cut in new[] { threshold, 0.5 })
{
    int detections = 0, inside = 0, caught = 0, labelled = 0;
    double days = 0;
    foreach (var s in series)
    {
        var key = Path.GetRelativePath(Path.Combine(data, "data"), s.Path).Replace('\\', '/');
        var spans = windows[key].Select(w => (From: Index(s.Times, w[0]), To: Index(s.Times, w[1]))).ToList();
        var probation = Math.Min(s.Values.Length * 15 / 100, 750);
        days += (s.Times[^1] - s.Times[probation]).TotalDays;
        var hit = new bool[spans.Count];
        for (var i = probation; i < s.Values.Length; i++)
        {
            if (scored[key][i] >= cut)
            {
                detections++;
                var w = spans.FindIndex(span => span.From <= i && i <= span.To);
                if (w >= 0)
                {
                    inside++;
                    hit[w] = true;
                }
            }
        }
        caught += hit.Count(h => h);
        labelled += spans.Count;
    }
    Console.WriteLine($"score >= {cut:0.####}: {detections} records after probation, precision {(double)inside / Math.Max(detections, 1):F2}, " +
        $"windows caught {caught}/{labelled} (recall {(double)caught / labelled:F2}), {detections / days:F3} per day over {days:F0} days of data");
}

// Throughput: the detector alone on one thread, repeated over all series until at least 3 s have passed.
var clock = Stopwatch.StartNew();
long points = 0;
double sink = 0;
while (clock.Elapsed < TimeSpan.FromSeconds(3))
{
    foreach (var s in series)
    {
        var detector = new StreamingDetector("bench", options);
        for (var i = 0; i < s.Values.Length; i++)
        {
            sink += detector.Observe(s.Times[i], s.Values[i]).Score;
        }
        points += s.Values.Length;
    }
}
var perSecond = points / clock.Elapsed.TotalSeconds;
var rss = Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
if (keep is null)
{
    Directory.Delete(output, true);
}
Console.WriteLine($"({series.Sum(s => s.Values.Length):N0} points in {series.Count} files; checksum {sink:F1})");
Console.WriteLine($"detector: NAB-standard {total} on {series.Count} series, {perSecond:N0} points/s, peak RSS {rss:F0} MB");
return 0;

// The first record at a window's timestamp (the scorer's rule); timestamps are "yyyy-MM-dd HH:mm:ss.ffffff".
static int Index(DateTimeOffset[] times, string stamp)
{
    var t = new DateTimeOffset(DateTime.ParseExact(stamp.Split('.')[0], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), TimeSpan.Zero);
    return Array.IndexOf(times, t);
}
