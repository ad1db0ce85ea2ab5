using System.Diagnostics.Metrics;

namespace Ciro.Indexer.Following;

/// <summary>Domain metrics of the indexer (exported over OTLP to the Aspire dashboard).</summary>
public sealed class IndexerMetrics
{
    public const string MeterName = "Ciro.Indexer";

    private long _headLagBlocks;
    private double _headLagSeconds;
    private int _isLeader;
    private int _webSocketConnected;

    public IndexerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        Blocks = meter.CreateCounter<long>("ciro.indexer.blocks", description: "Blocks committed");
        Transactions = meter.CreateCounter<long>("ciro.indexer.transactions", description: "Transactions committed");
        Events = meter.CreateCounter<long>("ciro.indexer.events", description: "Events committed");
        Reorgs = meter.CreateCounter<long>("ciro.indexer.reorgs", description: "Chain reorganisations rolled back");
        ReorgDepth = meter.CreateHistogram<int>("ciro.indexer.reorg_depth", unit: "{block}");
        Failures = meter.CreateCounter<long>("ciro.indexer.failures", description: "Batches that failed and were retried from the cursor");
        Halts = meter.CreateCounter<long>("ciro.indexer.halts", description: "Halts for an operator: another chain in the database, or a reorg deeper than MaxReorgDepth");
        UndecodableBlocks = meter.CreateCounter<long>("ciro.indexer.undecodable_blocks", description: "Blocks that did not decode, stored raw in ciro.undecodable_blocks and skipped");
        BrokenBatches = meter.CreateCounter<long>("ciro.indexer.broken_batches", description: "Batches cut short because the chain changed while they were fetched");
        BlocksWithoutTraces = meter.CreateCounter<long>("ciro.indexer.blocks_without_traces", description: "Blocks stored without call traces although Indexer:CallTraces is on (the node does not serve the trace API, or had no trace for them)");
        TraceRetries = meter.CreateCounter<long>("ciro.indexer.trace_retries", description: "Trace requests asked again after a failure, before failing their batch");
        BatchDuration = meter.CreateHistogram<double>("ciro.indexer.batch_duration", unit: "ms", description: "Fetch + commit time of one batch");
        CommitLatency = meter.CreateHistogram<double>("ciro.indexer.commit_latency", unit: "ms", description: "Block timestamp to commit, when following the head");
        meter.CreateObservableGauge("ciro.indexer.head_lag_blocks", () => Interlocked.Read(ref _headLagBlocks), unit: "{block}");
        meter.CreateObservableGauge("ciro.indexer.head_lag_seconds", () => Volatile.Read(ref _headLagSeconds), unit: "s");
        HeadNotifications = meter.CreateCounter<long>("ciro.indexer.head_notifications", description: "newHeads and reorg notifications received over the websocket (tag kind)");
        WebSocketFailures = meter.CreateCounter<long>("ciro.indexer.websocket_failures", description: "Websocket connects, subscriptions or open subscriptions that failed (tag stage); polling covers meanwhile");
        meter.CreateObservableGauge("ciro.indexer.websocket_connected", () => Volatile.Read(ref _webSocketConnected), description: "1 while the newHeads subscription is open");
        meter.CreateObservableGauge("ciro.indexer.leader", () => Volatile.Read(ref _isLeader), description: "1 when this replica holds the writer lease");
    }

    public Counter<long> Blocks { get; }
    public Counter<long> Transactions { get; }
    public Counter<long> Events { get; }
    public Counter<long> Reorgs { get; }
    public Histogram<int> ReorgDepth { get; }
    public Counter<long> Failures { get; }
    public Counter<long> Halts { get; }
    public Counter<long> BrokenBatches { get; }
    public Counter<long> BlocksWithoutTraces { get; }
    public Counter<long> TraceRetries { get; }
    public Counter<long> UndecodableBlocks { get; }
    public Histogram<double> BatchDuration { get; }
    public Histogram<double> CommitLatency { get; }
    public Counter<long> HeadNotifications { get; }
    public Counter<long> WebSocketFailures { get; }

    public void SetWebSocketConnected(bool connected) => Volatile.Write(ref _webSocketConnected, connected ? 1 : 0);

    public void SetHeadLag(long blocks, double seconds)
    {
        Interlocked.Exchange(ref _headLagBlocks, blocks);
        Volatile.Write(ref _headLagSeconds, seconds);
    }

    public void SetLeader(bool leader) => Volatile.Write(ref _isLeader, leader ? 1 : 0);
}
