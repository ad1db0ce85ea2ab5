using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Health of a service's long-running loops (the "background-loops" check of /health): Unhealthy, naming each
/// failing loop and its last error, while any loop is down and backing off; Healthy once every loop has
/// completed an iteration again. A loop that is down must never stop the host, so it reports here instead.
/// </summary>
public sealed class BackgroundLoopHealth(IMeterFactory meters) : IHealthCheck
{
    public const string CheckName = "background-loops";
    private readonly ConcurrentDictionary<string, string> _failing = new();
    private readonly Counter<long> _failures = meters.Create("Ciro.BackgroundLoops")
        .CreateCounter<long>("ciro.background_loop_failures", description: "Loop iterations that failed (each followed by a backoff and a restart)");

    public void Failing(string loop, Exception error)
    {
        _failing[loop] = $"{error.GetType().Name}: {error.Message}";
        _failures.Add(1, new KeyValuePair<string, object?>("loop", loop));
    }

    public void Recovered(string loop) => _failing.TryRemove(loop, out _);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = _failing.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(
                string.Join("; ", failing.Select(f => $"{f.Key} is down: {f.Value}")),
                data: failing.ToDictionary(f => f.Key, f => (object)f.Value)));
    }
}

/// <summary>
/// Runs a loop body iteration after iteration until the host stops. An iteration that throws anything (not
/// only the exceptions its author expected) is logged and reported to <see cref="BackgroundLoopHealth"/>, then
/// retried after an exponential backoff (1 s doubling to 60 s) on the given clock; a successful iteration
/// clears the report and the backoff.
/// </summary>
public static class BackgroundLoop
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(
        string name, Func<CancellationToken, Task> iteration, BackgroundLoopHealth health, TimeProvider time, ILogger logger,
        CancellationToken stoppingToken)
    {
        var backoff = FirstBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await iteration(stoppingToken);
                health.Recovered(name);
                backoff = FirstBackoff;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                health.Failing(name, ex);
                logger.LogError(ex, "{Loop} failed; restarting in {Backoff}", name, backoff);
                try
                {
                    await Task.Delay(backoff, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }
}
