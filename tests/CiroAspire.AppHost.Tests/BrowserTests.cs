using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>The dashboard in Debian's Chromium (playwright-core, no downloaded browser): it goes live and its
/// KPI changes without a reload, after signing in as the dev admin, with no CSP violation. The browser script lives with the dashboard: ClientApp/e2e/dashboard.e2e.mjs.</summary>
[Collection(StackCollection.Name)]
public sealed class BrowserTests(StackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task The_dashboard_shows_live_ciro_activity_in_a_real_browser()
    {
        var screenshot = Path.Combine(Path.GetTempPath(), $"ciro-dashboard-{Guid.NewGuid():N}.png");
        output.WriteLine(await BrowserScript.RunAsync(stack.App, stack.WebAdminPassword, output, "e2e/dashboard.e2e.mjs",
            "--screenshot", screenshot, "--timeout", "90"));
        Assert.True(File.Exists(screenshot), "no screenshot was written");
        File.Delete(screenshot);
    }
}
