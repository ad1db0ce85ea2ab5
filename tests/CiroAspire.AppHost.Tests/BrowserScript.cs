using System.Diagnostics;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// Runs one of the dashboard's browser scripts (<c>ClientApp/e2e/*.e2e.mjs</c>: Debian's Chromium through
/// playwright-core, signed in on the login page as <c>admin</c> with the password the AppHost generated) against a
/// stack's web endpoint, and fails the test with the script's output when it exits non-zero. The browser tests of
/// this project all go through it.
/// </summary>
internal static class BrowserScript
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Where the scripts' screenshots go (kept as test artifacts; see the README's screenshots section).</summary>
    public static string Screenshots => Path.Combine(RepoRoot, "TestResults", "screenshots");

    /// <summary>Runs <paramref name="script"/> with the web endpoint as its first argument and returns its stdout.</summary>
    public static Task<string> RunAsync(DistributedApplication app, string adminPassword, ITestOutputHelper output,
        string script, params string[] args) => RunAsync(app, adminPassword, output, new Dictionary<string, string>(), script, args);

    /// <summary>As above, with more environment variables for the script (secrets it needs stay off its command line).</summary>
    public static async Task<string> RunAsync(DistributedApplication app, string adminPassword, ITestOutputHelper output,
        IReadOnlyDictionary<string, string> environment, string script, params string[] args)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(RepoRoot, "src", "Ciro.Web", "ClientApp"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["CIRO_E2E_USER"] = "admin", ["CIRO_E2E_PASSWORD"] = adminPassword },
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(app.GetEndpoint("web", "http").ToString());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Each script bounds its own steps with --timeout; this bound only catches a script that hangs.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
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
        output.WriteLine(await stderr);
        Assert.True(process.ExitCode == 0, $"{script} exited {process.ExitCode}: {await stdout} {await stderr}");
        return await stdout;
    }

    /// <summary>Runs a script that prints one JSON document on stdout (its findings) and parses it.</summary>
    public static async Task<JsonElement> RunForJsonAsync(DistributedApplication app, string adminPassword, ITestOutputHelper output,
        string script, params string[] args) =>
        JsonDocument.Parse((await RunAsync(app, adminPassword, output, script, args)).Trim()).RootElement;

    private static string FindRepoRoot()
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
