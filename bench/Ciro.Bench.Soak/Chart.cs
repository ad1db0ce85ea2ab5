using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Ciro.Bench.Soak;

/// <summary>One line of a chart: a name, its colour and its (minutes, value) points.</summary>
internal sealed record ChartLine(string Name, string Colour, IReadOnlyList<(double Minutes, double Value)> Points);

/// <summary>The soak's picture: lag (seconds) over time above, resident memory (MB) per service below, the result line as
/// the title. Drawn as SVG and rasterised to PNG by the machine's Chromium (headless screenshot), bounded in time.</summary>
internal static class Chart
{
    private const int Width = 1200, PanelHeight = 330, Left = 70, Right = 230, Top = 50, Gap = 60;

    public static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"];

    public static string Svg(string title, IReadOnlyList<ChartLine> lag, IReadOnlyList<ChartLine> memory, double minutes)
    {
        var height = Top + 2 * PanelHeight + Gap + 40;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns='http://www.w3.org/2000/svg' width='{Width}' height='{height}' font-family='sans-serif' font-size='12'>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width='{Width}' height='{height}' fill='white'/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x='{Left}' y='24' font-size='14' font-weight='bold'>{Escape(title)}</text>");
        Panel(svg, Top, "lag (s)", lag, minutes);
        Panel(svg, Top + PanelHeight + Gap, "resident memory (MB)", memory, minutes);
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int top, string label, IReadOnlyList<ChartLine> lines, double minutes)
    {
        var plotWidth = Width - Left - Right;
        var plotHeight = PanelHeight - 30;
        var max = lines.SelectMany(l => l.Points).Select(p => p.Value).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var yMax = NiceCeiling(Math.Max(max, 1e-9));
        var xMax = Math.Max(minutes, 1e-9);
        double X(double m) => Left + m / xMax * plotWidth;
        double Y(double v) => top + plotHeight - v / yMax * plotHeight;

        svg.Append(CultureInfo.InvariantCulture, $"<text x='{Left}' y='{top - 8}' font-weight='bold'>{Escape(label)}</text>");
        for (var i = 0; i <= 5; i++)
        {
            var v = yMax * i / 5;
            var y = Y(v);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1='{Left}' x2='{Left + plotWidth}' y1='{y:F1}' y2='{y:F1}' stroke='#ddd'/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x='{Left - 6}' y='{y + 4:F1}' text-anchor='end'>{v:G4}</text>");
        }
        for (var i = 0; i <= 10; i++)
        {
            var m = xMax * i / 10;
            var x = X(m);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1='{x:F1}' x2='{x:F1}' y1='{top}' y2='{top + plotHeight}' stroke='#eee'/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x='{x:F1}' y='{top + plotHeight + 16}' text-anchor='middle'>{m:0.#} min</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<rect x='{Left}' y='{top}' width='{plotWidth}' height='{plotHeight}' fill='none' stroke='#333'/>");
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var points = string.Join(' ', line.Points.Where(p => double.IsFinite(p.Value))
                .Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.Minutes):F1},{Y(p.Value):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points='{points}' fill='none' stroke='{line.Colour}' stroke-width='2'/>");
            var ly = top + 14 + i * 20;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1='{Left + plotWidth + 15}' x2='{Left + plotWidth + 40}' y1='{ly - 4}' y2='{ly - 4}' stroke='{line.Colour}' stroke-width='3'/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x='{Left + plotWidth + 46}' y='{ly}'>{Escape(line.Name)}</text>");
        }
    }

    private static double NiceCeiling(double v)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= v)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static string Escape(string text) => System.Security.SecurityElement.Escape(text);

    /// <summary>Renders <paramref name="svgPath"/> to <paramref name="pngPath"/> with /usr/bin/chromium; an error
    /// message when it could not (the SVG stays as the chart then).</summary>
    public static string? Rasterise(string svgPath, string pngPath, int height)
    {
        const string chromium = "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            return $"{chromium} is missing";
        }
        var profile = Directory.CreateTempSubdirectory("ciro-soak-chromium-");
        try
        {
            var info = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--user-data-dir={profile.FullName}",
                         $"--window-size={Width},{height}", $"--screenshot={pngPath}", new Uri(svgPath).AbsoluteUri })
            {
                info.ArgumentList.Add(a);
            }
            using var process = Process.Start(info)!;
            var output = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                return "chromium did not finish within 90 s";
            }
            return File.Exists(pngPath) ? null : $"chromium wrote no PNG: {output.Result}";
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    public static int Height => Top + 2 * PanelHeight + Gap + 40;
}
