using System.Globalization;

namespace Ciro.Analytics.Anomalies;

/// <summary>
/// `Ciro.Analytics detect --input series.csv --output scores.csv`: reads timestamp,value rows (ISO 8601 or unix
/// seconds; a header line is optional), runs the streaming detector in order and writes
/// timestamp,value,anomaly_score (0 during warm-up). Exit codes: 0 ok, 2 bad arguments or missing input,
/// 3 bad input (the message names the line and the value). The output is written to a temporary file beside
/// the target and moved into place only when every line was read, so bad input never leaves half a file.
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
        var detector = new StreamingDetector(Path.GetFileNameWithoutExtension(input));
        var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, $".{Path.GetFileName(output)}.{Environment.ProcessId}.tmp");
        var rows = 0;
        var episodes = 0;
        string? error = null;
        await using (var writer = new StreamWriter(temporary))
        {
            await writer.WriteLineAsync("timestamp,value,anomaly_score");
            var lineNumber = 0;
            DateTimeOffset? previous = null;
            foreach (var line in File.ReadLines(input))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                var parts = line.Split(',');
                var timeText = parts[0].Trim();
                if (!TryTime(timeText, out var timestamp))
                {
                    if (lineNumber == 1)
                    {
                        continue; // header
                    }
                    error = $"line {lineNumber}: timestamp '{timeText}' is not ISO 8601 or unix seconds";
                    break;
                }
                if (parts.Length < 2)
                {
                    error = $"line {lineNumber}: expected timestamp,value but found '{line}'";
                    break;
                }
                var text = parts[1].Trim();
                // An empty value or "nan" is a point without data (scored 0, never treated as zero).
                var value = double.NaN;
                if (text.Length > 0 && !text.Equals("nan", StringComparison.OrdinalIgnoreCase) &&
                    !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                {
                    error = $"line {lineNumber}: value '{text}' is not a number";
                    break;
                }
                if (timestamp < previous)
                {
                    error = $"line {lineNumber}: timestamp '{timeText}' is before the previous line's; rows must be in time order";
                    break;
                }
                previous = timestamp;
                var score = detector.Observe(timestamp, value);
                rows++;
                episodes += score.EpisodeStart ? 1 : 0;
                await writer.WriteLineAsync($"{timeText},{text},{score.Score.ToString("0.######", CultureInfo.InvariantCulture)}");
            }
            if (error is null && rows == 0)
            {
                error = $"input '{input}' has no timestamp,value rows";
            }
        }
        if (error is not null)
        {
            File.Delete(temporary);
            await stderr.WriteLineAsync(error);
            return 3;
        }
        File.Move(temporary, output, overwrite: true);
        await stdout.WriteLineAsync($"detect: {rows} points, {episodes} anomaly episodes, written to {output}");
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
