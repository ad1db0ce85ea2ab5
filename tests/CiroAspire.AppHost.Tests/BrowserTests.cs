using System.Diagnostics;
using Aspire.Hosting.Testing;
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
        var clientApp = Path.Combine(RepoRoot(), "src", "Ciro.Web", "ClientApp");
        var screenshot = Path.Combine(Path.GetTempPath(), $"ciro-dashboard-{Guid.NewGuid():N}.png");
        var web = stack.App.GetEndpoint("web", "http");
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = clientApp,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["CIRO_E2E_USER"] = "admin", ["CIRO_E2E_PASSWORD"] = stack.WebAdminPassword },
        };
        foreach (var arg in new[] { "e2e/dashboard.e2e.mjs", web.ToString(), "--screenshot", screenshot, "--timeout", "90" })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.True(process.ExitCode == 0, $"dashboard e2e exited {process.ExitCode}: {await stdout} {await stderr}");
        Assert.True(File.Exists(screenshot), "no screenshot was written");
        File.Delete(screenshot);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CiroAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CiroAspire.sln not found above " + AppContext.BaseDirectory);
    }
}
