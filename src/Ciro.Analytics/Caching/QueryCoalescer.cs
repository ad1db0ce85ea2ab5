using System.Collections.Concurrent;
using Ciro.Analytics.Notifications;

namespace Ciro.Analytics.Caching;

/// <summary>
/// Identical analytics queries in flight at the same time run once: the first request for a key runs the query,
/// every request for the same key that arrives before it finishes awaits that run and gets the same answer. A
/// dashboard opened by many people at once (or one refreshed by a live push) then costs one database query per
/// distinct panel, not one per viewer. The key is the caller's role, the endpoint and its normalised request (see
/// <see cref="QueryCache"/>). Only in-flight runs are shared; stored answers are the Redis cache's job.
/// </summary>
public sealed class QueryCoalescer(AnalyticsMetrics metrics)
{
    private readonly ConcurrentDictionary<string, Task> _inFlight = new();

    /// <summary>Runs <paramref name="compute"/>, or awaits the run already in flight for <paramref name="key"/>.</summary>
    public async Task<T> RunAsync<T>(string kind, string key, Func<Task<T>> compute)
    {
        key = $"{typeof(T).FullName}|{key}";
        var mine = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _inFlight.GetOrAdd(key, mine.Task);
        if (!ReferenceEquals(shared, mine.Task))
        {
            metrics.QueriesCoalesced.Add(1, new KeyValuePair<string, object?>("kind", kind));
            try
            {
                return await (Task<T>)shared;
            }
            catch (OperationCanceledException)
            {
                // The leader's request was aborted (its client went away), which cancelled the shared query; this
                // request is still wanted, so it runs the query itself rather than failing with someone else's cancellation.
                return await compute();
            }
        }
        try
        {
            var value = await compute();
            mine.SetResult(value);
            return value;
        }
        catch (OperationCanceledException ex)
        {
            mine.SetCanceled(ex.CancellationToken);
            throw;
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
            throw;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Task>(key, mine.Task));
        }
    }
}
