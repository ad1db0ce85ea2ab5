using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Health of a service's long-running loops (the "background-loops" check of /health): Unhealthy, naming each
/// failing loop and its last error, while any loop is down and backing off; Degraded when the only failures are
/// another service's (slow or down: this one still serves, with older data); Healthy once every loop has
/// completed an iteration again. A loop that is down must never stop the host, so it reports here instead.
/// </summary>
public sealed class BackgroundLoopHealth(IMeterFactory meters) : IHealthCheck
{
    public const string CheckName = "background-loops";
    private readonly ConcurrentDictionary<string, (string Error, bool Dependency)> _failing = new();
    private readonly Counter<long> _failures = meters.Create("Ciro.BackgroundLoops")
        .CreateCounter<long>("ciro.background_loop_failures", description: "Loop iterations that failed (each followed by a backoff and a restart)");

    /// <param name="dependency">The failure is another service's (it timed out, refused or failed): Degraded.</param>
    public void Failing(string loop, Exception error, bool dependency = false)
    {
        _failing[loop] = ($"{error.GetType().Name}: {error.Message}", dependency);
        _failures.Add(1, new KeyValuePair<string, object?>("loop", loop));
    }

    public void Recovered(string loop) => _failing.TryRemove(loop, out _);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = _failing.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        if (failing.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy());
        }
        var description = string.Join("; ", failing.Select(f => f.Value.Dependency
            ? $"{f.Key} is degraded (a service it calls is failing): {f.Value.Error}"
            : $"{f.Key} is down: {f.Value.Error}"));
        var data = failing.ToDictionary(f => f.Key, f => (object)f.Value.Error);
        return Task.FromResult(failing.All(f => f.Value.Dependency)
            ? HealthCheckResult.Degraded(description, data: data)
            : HealthCheckResult.Unhealthy(description, data: data));
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

    /// <param name="isDependencyFailure">Failures that are another service's (reported Degraded, not Unhealthy).</param>
    public static async Task RunAsync(
        string name, Func<CancellationToken, Task> iteration, BackgroundLoopHealth health, TimeProvider time, ILogger logger,
        CancellationToken stoppingToken, Func<Exception, bool>? isDependencyFailure = null)
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
                health.Failing(name, ex, isDependencyFailure?.Invoke(ex) == true);
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
