using System.Diagnostics;
using Xunit.Abstractions;

namespace Ciro.Web.Tests;

/// <summary>The sign-in flow in Debian's Chromium against the web host on loopback, under its real CSP: signed-out
/// redirect to the login page, a wrong password refused, signed in and out, then single sign-on through an OpenID
/// Connect provider back to the address asked for (the browser's own cookie rules on the cross-site redirects), no
/// CSP violation. The browser script lives with the dashboard (ClientApp/e2e/login.e2e.mjs); its screenshots go to
/// TestResults/screenshots/.</summary>
[Collection(WebCollection.Name)]
public sealed class BrowserLoginTests(WebFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_person_signs_in_and_out_and_through_single_sign_on_in_chromium_with_no_csp_violation()
    {
        var root = RepoRoot();
        var clientApp = Path.Combine(root, "src", "Ciro.Web", "ClientApp");
        Assert.True(File.Exists(Path.Combine(root, "src", "Ciro.Web", "wwwroot", "index.html")),
            "the dashboard is not built (scripts/setup.sh runs npm run build)");
        await using var provider = await OidcTestProvider.StartAsync();
        provider.NextUser = new OidcUser("sub-5", "sso-sam", ["ciro-readers"]);
        await using var web = fixture.Web(OidcSignInTests.Settings(provider.Authority));
        var screenshots = Path.Combine(root, "TestResults", "screenshots");
        var info = new ProcessStartInfo("node") { WorkingDirectory = clientApp, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "e2e/login.e2e.mjs", WebFixture.Address(web).ToString(), "--user", WebFixture.Operator.Name, "--password", WebFixture.Operator.Password,
            "--sso", "Contoso SSO", "--sso-user", "sso-sam", "--screenshots", screenshots, "--timeout", "90",
        })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.True(process.ExitCode == 0, $"login e2e exited {process.ExitCode}: {await stdout} {await stderr}");
        Assert.Contains("single sign-on, 0 CSP violations", await stdout);
        Assert.Equal(1, provider.TokensIssued);
        Assert.True(File.Exists(Path.Combine(screenshots, "login.png")), "no login screenshot was written");
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
