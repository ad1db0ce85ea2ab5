using System.Globalization;

namespace Ciro.Analytics.Anomalies;

/// <summary>
/// `Ciro.Analytics detect --input series.csv --output scores.csv`: reads timestamp,value rows (ISO 8601 or unix
/// seconds; a header line is optional), runs the streaming detector in order and writes
/// timestamp,value,anomaly_score (0 during warm-up). Exit codes: 0 ok, 2 bad arguments, 3 bad input.
/// </summary>
public static class DetectCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? input = null, output = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--input" when i + 1 < args.Length:
                    input = args[++i];
                    break;
                case "--output" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    await stderr.WriteLineAsync($"unknown argument '{args[i]}'; usage: detect --input series.csv --output scores.csv");
                    return 2;
            }
        }
        if (input is null || output is null)
        {
            await stderr.WriteLineAsync("usage: detect --input series.csv --output scores.csv");
            return 2;
        }
        if (!File.Exists(input))
        {
            await stderr.WriteLineAsync($"input '{input}' does not exist");
            return 2;
        }
        var detector = new SeasonalDetector(Path.GetFileNameWithoutExtension(input));
        await using var writer = new StreamWriter(output);
        await writer.WriteLineAsync("timestamp,value,anomaly_score");
        var lineNumber = 0;
        var rows = 0;
        var flagged = 0;
        foreach (var line in File.ReadLines(input))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var parts = line.Split(',');
            if (parts.Length < 2 || !TryTime(parts[0].Trim(), out var timestamp))
            {
                if (lineNumber == 1)
                {
                    continue; // header
                }
                await stderr.WriteLineAsync($"line {lineNumber}: expected timestamp,value");
                return 3;
            }
            var text = parts[1].Trim();
            var value = text.Length == 0 ? double.NaN : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
            if (double.IsNaN(value) && text.Length > 0 && !text.Equals("nan", StringComparison.OrdinalIgnoreCase))
            {
                await stderr.WriteLineAsync($"line {lineNumber}: '{text}' is not a number");
                return 3;
            }
            var score = detector.Observe(timestamp, value);
            rows++;
            flagged += score.Score >= 0.5 ? 1 : 0;
            await writer.WriteLineAsync($"{parts[0].Trim()},{text},{score.Score.ToString("0.####", CultureInfo.InvariantCulture)}");
        }
        await stdout.WriteLineAsync($"detect: {rows} points, {flagged} scored >= 0.5, written to {output}");
        return 0;
    }

    private static bool TryTime(string text, out DateTimeOffset value)
    {
        if (text.Length is > 0 and <= 11 && text.All(char.IsAsciiDigit))
        {
            value = DateTimeOffset.FromUnixTimeSeconds(long.Parse(text, CultureInfo.InvariantCulture));
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
