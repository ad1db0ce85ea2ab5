using System.Diagnostics;
using System.Text.Json;

namespace CiroAspire.AppHost.Tests;

/// <summary>The Azure Container Apps path: the AppHost writes a manifest that lists every service.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task The_manifest_lists_every_service_and_the_infrastructure()
    {
        var appHostDll = Path.Combine(AppContext.BaseDirectory, "CiroAspire.AppHost.dll");
        Assert.True(File.Exists(appHostDll), $"AppHost assembly not found at {appHostDll}");
        var output = Path.Combine(Path.GetTempPath(), $"ciro-manifest-{Guid.NewGuid():N}", "aspire-manifest.json");

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[] { appHostDll, "--publisher", "manifest", "--output-path", output })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"manifest publishing exited {process.ExitCode}: {await stdout} {await stderr}");

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var resources = manifest.RootElement.GetProperty("resources");
        foreach (var service in new[] { "indexer", "analytics", "alerts", "web", "chain" })
        {
            Assert.True(resources.TryGetProperty(service, out var resource), $"manifest has no '{service}'");
            Assert.StartsWith("project.v", resource.GetProperty("type").GetString());
        }
        foreach (var infrastructure in new[] { "postgres", "ciro", "cache", "mail" })
        {
            Assert.True(resources.TryGetProperty(infrastructure, out _), $"manifest has no '{infrastructure}'");
        }
        // Services find the database and the cache by the names the README documents.
        var indexerEnv = resources.GetProperty("indexer").GetProperty("env");
        Assert.True(indexerEnv.TryGetProperty("ConnectionStrings__ciro", out _));
        Assert.True(resources.GetProperty("analytics").GetProperty("env").TryGetProperty("ConnectionStrings__cache", out _));
        Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
    }
}
