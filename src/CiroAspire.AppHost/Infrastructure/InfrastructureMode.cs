using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace CiroAspire.AppHost.Infrastructure;

/// <summary>How the AppHost provides PostgreSQL, Redis and SMTP: as containers when a runtime answers,
/// otherwise as local processes it starts itself. Forced with <c>Ciro:Infrastructure=containers|local</c>.</summary>
public enum InfrastructureMode
{
    Containers,
    Local,
}

public static class InfrastructureModeDetector
{
    public static InfrastructureMode Detect(IConfiguration configuration, bool publishing, out string reason)
    {
        if (publishing)
        {
            reason = "publishing a deployment manifest";
            return InfrastructureMode.Containers;
        }
        var forced = configuration["Ciro:Infrastructure"];
        if (!string.IsNullOrWhiteSpace(forced) && !forced.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            if (!Enum.TryParse<InfrastructureMode>(forced, ignoreCase: true, out var mode))
            {
                throw new InvalidOperationException(
                    $"Configuration 'Ciro:Infrastructure' has value '{forced}'; expected auto, containers or local.");
            }
            reason = "forced by Ciro:Infrastructure";
            return mode;
        }

        // Without a daemon Aspire's container resources never start (and dependants wait forever), so ask
        // the runtime's CLI first: `docker info` fails within milliseconds when no daemon answers.
        var runtime = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
        if (ContainerRuntimeAnswers(runtime))
        {
            reason = $"'{runtime} info' succeeded";
            return InfrastructureMode.Containers;
        }
        reason = $"'{runtime} info' failed: no container runtime";
        return InfrastructureMode.Local;
    }

    private static bool ContainerRuntimeAnswers(string runtime)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // the CLI is not installed
        }
    }
}
