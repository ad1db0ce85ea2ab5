using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ciro.Starknet.Rpc;

/// <summary>Instruments of the RPC client (Meter "Ciro.Starknet"). Retries and failures are counted so a flaky
/// node shows on the dashboard before it shows as indexer lag.</summary>
public sealed class StarknetRpcMetrics
{
    public const string MeterName = "Ciro.Starknet";

    private static readonly Lazy<StarknetRpcMetrics> Shared = new(() => new StarknetRpcMetrics(new Meter(MeterName)));

    private readonly Counter<long> _requests;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _duration;

    public StarknetRpcMetrics(Meter meter)
    {
        Meter = meter;
        _requests = meter.CreateCounter<long>("ciro.rpc.requests", "{request}", "JSON-RPC calls started (a batch counts once per method call in it)");
        _retries = meter.CreateCounter<long>("ciro.rpc.retries", "{retry}", "Attempts repeated after a transient fault");
        _errors = meter.CreateCounter<long>("ciro.rpc.errors", "{error}", "Failed attempts, by kind");
        _duration = meter.CreateHistogram<double>("ciro.rpc.duration", "s", "Wall time of a call, retries included");
    }

    public Meter Meter { get; }

    /// <summary>One process-wide instance, for clients built without an <see cref="IMeterFactory"/>.</summary>
    public static StarknetRpcMetrics Default => Shared.Value;

    public static StarknetRpcMetrics Create(IMeterFactory? factory) =>
        factory is null ? Default : new StarknetRpcMetrics(factory.Create(MeterName));

    internal void Request(string method, long count = 1) =>
        _requests.Add(count, new KeyValuePair<string, object?>("method", method));

    internal void Retry(string method, string kind) =>
        _retries.Add(1, new TagList { { "method", method }, { "kind", kind } });

    internal void Error(string method, string kind) =>
        _errors.Add(1, new TagList { { "method", method }, { "kind", kind } });

    internal void Duration(string method, string outcome, TimeSpan elapsed) =>
        _duration.Record(elapsed.TotalSeconds, new TagList { { "method", method }, { "outcome", outcome } });
}
