using System.Diagnostics.Metrics;

namespace Ciro.Web.Live;

/// <summary>What the live path does for browsers: pushes sent (by this replica), failures, connected dashboards.</summary>
public sealed class LiveMetrics
{
    public const string MeterName = "Ciro.Web";
    private long _connections;

    public LiveMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        Pushes = meter.CreateCounter<long>("ciro.web.pushes", description: "SignalR messages broadcast, by message type");
        PushErrors = meter.CreateCounter<long>("ciro.web.push_errors", description: "Messages not pushed because Redis failed during the claim or the backplane's publish, by message type");
        RefreshErrors = meter.CreateCounter<long>("ciro.web.refresh_errors", description: "Failed reads of jobs activity from analytics");
        MalformedMessages = meter.CreateCounter<long>("ciro.web.malformed_messages", description: "Relayed messages that could not be read, by channel");
        meter.CreateObservableUpDownCounter("ciro.web.connections", () => Interlocked.Read(ref _connections), description: "Connected dashboards");
    }

    public Counter<long> Pushes { get; }
    public Counter<long> PushErrors { get; }
    public Counter<long> RefreshErrors { get; }
    public Counter<long> MalformedMessages { get; }

    public void Connected() => Interlocked.Increment(ref _connections);
    public void Disconnected() => Interlocked.Decrement(ref _connections);
}
