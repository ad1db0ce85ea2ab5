using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ciro.Starknet.Rpc;

namespace Ciro.Starknet.Tests;

/// <summary>Listens to one private meter instance so parallel tests do not see each other's measurements.</summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly Meter _meter = new(StarknetRpcMetrics.MeterName);
    private readonly MeterListener _listener = new();

    public MetricsRecorder()
    {
        Metrics = new StarknetRpcMetrics(_meter);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public StarknetRpcMetrics Metrics { get; }

    public ConcurrentQueue<(string Name, double Value, Dictionary<string, string?> Tags)> Measurements { get; } = new();

    public double Sum(string name, string? kind = null) => Measurements
        .Where(m => m.Name == name && (kind is null || m.Tags.GetValueOrDefault("kind") == kind))
        .Sum(m => m.Value);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string?>();
        foreach (var tag in tags)
        {
            map[tag.Key] = tag.Value?.ToString();
        }
        Measurements.Enqueue((instrument.Name, value, map));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meter.Dispose();
    }
}
