using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PuppeteerSharp;
using PuppeteerSharp.Media;

namespace Ciro.Printing;

/// <summary>Which browser prints and how long it may take. Each service fills it from its own section (the weekly
/// report from Ciro:Reports, the dashboard's export from Ciro:Web:PdfExport).</summary>
public sealed class PdfRendererOptions
{
    /// <summary>Debian's Chromium (the browser the dashboard's tests use); never a downloaded browser.</summary>
    public string ChromiumPath { get; set; } = "/usr/bin/chromium";

    /// <summary>Longest one rendering may take, browser start to last byte, before the browser is killed.</summary>
    public TimeSpan RenderTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The configuration key to name in a timeout's message.</summary>
    public string RenderTimeoutKey { get; set; } = nameof(RenderTimeout);
}

/// <summary>Prints to PDF with Debian's headless Chromium, driven over the DevTools protocol: either HTML we wrote
/// (the weekly report) or a page of a site that signals when it is ready (the dashboard's print route). Each
/// rendering starts its own browser with a throwaway profile, so concurrent renderings (and a browser a person has
/// open) share no state; a rendering over <see cref="PdfRendererOptions.RenderTimeout"/> kills the browser and its
/// children.</summary>
public sealed class PdfRenderer(IOptions<PdfRendererOptions> options, ILogger<PdfRenderer> logger)
{
    // The dashboard's page number on every page but the cover's count; Chromium fills the two classes.
    private const decimal PageScale = 0.8m;

    private const string PageNumberFooter =
        """<div style="width:100%;font:9px sans-serif;color:#555;text-align:center">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>""";

    /// <summary>Prints <paramref name="html"/> as it is (its own CSS decides page size and margins; no header or footer).</summary>
    public Task<byte[]> RenderHtmlAsync(string html, CancellationToken ct) => RenderAsync("report", async page =>
    {
        await page.SetContentAsync(html);
        return new PdfOptions { PreferCSSPageSize = true, PrintBackground = true };
    }, ct);

    /// <summary>Opens <paramref name="url"/>, waits until an element matching <paramref name="readySelector"/> exists
    /// (the page has loaded its data), and prints it in A4 at 80 % with "Page n of m" at the foot of each page.</summary>
    public Task<byte[]> RenderPageAsync(Uri url, string readySelector, CancellationToken ct) => RenderAsync(url.AbsolutePath, async page =>
    {
        // The window is as wide as the printed column (A4 less 2 × 12 mm at 96 px/in, over the 80 % scale), so charts
        // that size themselves to the window are drawn at the width they print at.
        await page.SetViewportAsync(new ViewPortOptions { Width = (int)(186 / 25.4 * 96 / (double)PageScale), Height = 1200 });
        await page.GoToAsync(url.AbsoluteUri, new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] });
        await page.WaitForSelectorAsync(readySelector);
        return new PdfOptions
        {
            Format = PaperFormat.A4,
            Scale = PageScale,
            PrintBackground = true,
            DisplayHeaderFooter = true,
            HeaderTemplate = "<span></span>",
            FooterTemplate = PageNumberFooter,
            MarginOptions = new MarginOptions { Top = "12mm", Bottom = "16mm", Left = "12mm", Right = "12mm" },
        };
    }, ct);

    private async Task<byte[]> RenderAsync(string what, Func<IPage, Task<PdfOptions>> open, CancellationToken ct)
    {
        var settings = options.Value;
        var profile = Directory.CreateTempSubdirectory("ciro-pdf-");
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.RenderTimeout);
        IBrowser? browser = null;
        try
        {
            browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = settings.ChromiumPath,
                Headless = true,
                UserDataDir = profile.FullName,
                Timeout = (int)settings.RenderTimeout.TotalMilliseconds,
                Args =
                [
                    "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--disable-background-networking", "--disable-sync", "--mute-audio", "--hide-scrollbars",
                    // Chromium refuses to run as root with its sandbox; it only opens our own HTML or our own site.
                    "--no-sandbox", "--disable-dev-shm-usage",
                ],
            }).WaitAsync(timeout.Token);
            var page = await browser.NewPageAsync().WaitAsync(timeout.Token);
            page.DefaultTimeout = (int)settings.RenderTimeout.TotalMilliseconds;
            var pdfOptions = await open(page).WaitAsync(timeout.Token);
            var bytes = await page.PdfDataAsync(pdfOptions).WaitAsync(timeout.Token);
            logger.LogInformation("Printed a {Bytes}-byte PDF of {What} with Chromium in {Milliseconds} ms", bytes.Length, what, watch.ElapsedMilliseconds);
            return bytes;
        }
        catch (Exception e) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Chromium did not print {what} within {settings.RenderTimeout} ({settings.RenderTimeoutKey}).", e);
        }
        catch (Exception e) when (e is PuppeteerException or ProcessException)
        {
            throw new InvalidOperationException($"Chromium ({settings.ChromiumPath}) failed to print {what}: {e.Message}", e);
        }
        finally
        {
            if (browser is not null)
            {
                // A browser stuck past the timeout may not answer Browser.close: kill it and its children first.
                if (timeout.IsCancellationRequested && browser.Process is { HasExited: false } process)
                {
                    process.Kill(entireProcessTree: true);
                }
                await browser.DisposeAsync();
            }
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A browser child still closing a profile file: the temp folder is cleaned by the system later.
            }
        }
    }
}
