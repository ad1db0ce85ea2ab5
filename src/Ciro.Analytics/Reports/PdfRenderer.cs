using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Ciro.Analytics.Reports;

/// <summary>Prints HTML to PDF with Debian's headless Chromium (<c>--print-to-pdf</c>), the browser the dashboard's
/// tests already use; nothing is downloaded. Each rendering gets a throwaway profile folder, so concurrent renderings
/// (and a browser a person has open) do not share state; a rendering over <see cref="ReportOptions.RenderTimeout"/>
/// kills the browser and its children.</summary>
public sealed class PdfRenderer(IOptions<ReportOptions> options, ILogger<PdfRenderer> logger)
{
    public async Task<byte[]> RenderAsync(string html, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("ciro-report-");
        try
        {
            var page = Path.Combine(work.FullName, "report.html");
            var pdf = Path.Combine(work.FullName, "report.pdf");
            await File.WriteAllTextAsync(page, html, ct);
            var info = new ProcessStartInfo(options.Value.ChromiumPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--mute-audio", "--hide-scrollbars",
                // Chromium refuses to run as root with its sandbox; the page is our own HTML from a local file.
                "--no-sandbox", "--disable-dev-shm-usage",
                $"--user-data-dir={Path.Combine(work.FullName, "profile")}",
                "--no-pdf-header-footer", $"--print-to-pdf={pdf}", new Uri(page).AbsoluteUri,
            })
            {
                info.ArgumentList.Add(argument);
            }
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {options.Value.ChromiumPath}");
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var errors = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.RenderTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                ct.ThrowIfCancellationRequested();
                throw new TimeoutException($"Chromium did not print the report within {options.Value.RenderTimeout} ({Ciro.Analytics.Reports.ReportOptions.SectionName}:RenderTimeout).");
            }
            await Task.WhenAll(output, errors);
            if (process.ExitCode != 0 || !File.Exists(pdf) || new FileInfo(pdf).Length == 0)
            {
                throw new InvalidOperationException($"Chromium exited {process.ExitCode} without a PDF: {Tail(await errors)}");
            }
            var bytes = await File.ReadAllBytesAsync(pdf, ct);
            logger.LogInformation("Printed a {Bytes}-byte report PDF with Chromium in {Milliseconds} ms", bytes.Length, watch.ElapsedMilliseconds);
            return bytes;
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A browser child still closing a profile file: the temp folder is cleaned by the system later.
            }
        }
    }

    private static string Tail(string text) => text.Length > 2000 ? text[^2000..] : text;
}
