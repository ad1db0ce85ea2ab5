using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Ciro.Bench.Soak;

/// <summary>
/// The GC figures of one .NET process, read as dotnet-counters reads them: an EventPipe session on its diagnostics
/// port with the runtime's "System.Runtime" counters every <c>interval</c> seconds (GC counts per generation, heap
/// size, time in GC). Collections are summed from the per-interval increments, so the values are totals since the
/// session began.
/// </summary>
internal sealed class RuntimeCounters : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly Task _reader;
    private readonly ConcurrentDictionary<string, double> _latest = new();
    private readonly ConcurrentDictionary<string, double> _totals = new();

    public RuntimeCounters(int processId, int intervalSeconds)
    {
        var client = new DiagnosticsClient(processId);
        var provider = new EventPipeProvider("System.Runtime", EventLevel.Informational, (long)EventKeywords.All,
            new Dictionary<string, string> { ["EventCounterIntervalSec"] = intervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _session = client.StartEventPipeSession([provider], requestRundown: false);
        _reader = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(_session.EventStream);
            source.Dynamic.All += OnEvent;
            try
            {
                source.Process();
            }
            catch (Exception e) when (e is EndOfStreamException or ObjectDisposedException or IOException)
            {
                // The process ended or the session was stopped.
            }
        });
    }

    private void OnEvent(TraceEvent e)
    {
        if (e.EventName != "EventCounters" || e.PayloadValue(0) is not IDictionary<string, object> outer
            || outer["Payload"] is not IDictionary<string, object> payload || payload["Name"] is not string name)
        {
            return;
        }
        if (payload.TryGetValue("Increment", out var increment))
        {
            var value = Convert.ToDouble(increment, System.Globalization.CultureInfo.InvariantCulture);
            _totals.AddOrUpdate(name, value, (_, total) => total + value);
        }
        else if (payload.TryGetValue("Mean", out var mean))
        {
            _latest[name] = Convert.ToDouble(mean, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Collections of a generation since the session began (counter gen-N-gc-count).</summary>
    public double Collections(int generation) => _totals.GetValueOrDefault($"gen-{generation}-gc-count");

    /// <summary>The GC heap, in MB, at the last interval (counter gc-heap-size).</summary>
    public double HeapMegabytes => _latest.GetValueOrDefault("gc-heap-size");

    /// <summary>Memory the GC has committed from the OS, in MB, at the last interval (counter gc-committed): RSS above it
    /// is native memory and code; a heap flat while this rises is the GC keeping freed pages.</summary>
    public double CommittedMegabytes => _latest.GetValueOrDefault("gc-committed");

    /// <summary>Share of the last interval spent in GC, in % (counter time-in-gc).</summary>
    public double TimeInGcPercent => _latest.GetValueOrDefault("time-in-gc");

    public void Dispose()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or EndOfStreamException or IOException or TimeoutException)
        {
            // The process is already gone.
        }
        _reader.Wait(TimeSpan.FromSeconds(10));
        _session.Dispose();
    }
}
