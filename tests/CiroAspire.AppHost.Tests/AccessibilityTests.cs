using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// Accessibility of every view on the shared stack (no stack of its own): axe (@axe-core/playwright, WCAG 2.0/2.1
/// A and AA) in Debian's Chromium finds no serious or critical violation on the sign-in page, each view of the
/// navigation (the alert rules and escalation policies among them), a worker's and an incident's detail, in the dark and the light theme. The browser script,
/// ClientApp/e2e/a11y.e2e.mjs, first proves that axe reports a page built to fail.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AccessibilityTests(StackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task Axe_finds_no_serious_or_critical_violation_on_any_view_in_either_theme()
    {
        var run = await BrowserScript.RunForJsonAsync(stack.App, stack.WebAdminPassword, output, "e2e/a11y.e2e.mjs",
            "--timeout", "240");
        var selfCheck = run.GetProperty("selfCheck").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("label", selfCheck);
        Assert.Contains("color-contrast", selfCheck);

        var pages = run.GetProperty("pages").EnumerateArray()
            .Select(p => (Path: p.GetProperty("path").GetString()!, Theme: p.GetProperty("theme").GetString()!, Violations: p.GetProperty("violations")))
            .ToList();
        foreach (var page in pages)
        {
            output.WriteLine($"{page.Path} ({page.Theme}): {page.Violations}");
        }
        // Every page in both themes; the views are the ones the navigation lists, so these must be among them.
        string[] expected = ["/login", "/", "/gas", "/timing", "/workers", "/usage", "/anomalies", "/onchain", "/alerts", "/alert-rules"];
        foreach (var theme in new[] { "dark", "light" })
        {
            var checkedPaths = pages.Where(p => p.Theme == theme).Select(p => p.Path).ToHashSet();
            Assert.Superset(expected.ToHashSet(), checkedPaths);
            Assert.Contains(checkedPaths, p => p.StartsWith("/workers/0x", StringComparison.Ordinal));
            Assert.Contains(checkedPaths, p => p.StartsWith("/alerts/", StringComparison.Ordinal));
        }
        var blocking = pages.SelectMany(p => p.Violations.EnumerateArray()
                .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
                .Select(v => $"{p.Path} ({p.Theme}): {v.GetProperty("id").GetString()}"))
            .ToList();
        Assert.Empty(blocking);
    }
}
