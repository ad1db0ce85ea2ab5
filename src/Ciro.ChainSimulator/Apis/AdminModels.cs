using System.Text.Json.Nodes;

namespace Ciro.ChainSimulator.Apis;

public sealed record HeadView(long Number, string Hash, string ParentHash, ulong Timestamp);

public sealed record ChainScenarioView(string Name, JsonObject Parameters, long SinceBlock);

public sealed record FaultView(string Kind, double Probability, int? RemainingRequests, int LatencyMs, int RetryAfterSeconds, int RpcErrorCode,
    long RequestsSeen, Dictionary<string, long> Injected);

public sealed record ScenarioView(ChainScenarioView Chain, FaultView Faults, IEnumerable<string> Available);

public sealed record CountsView(long Blocks, long Transactions, long RevertedTransactions, long Events, Dictionary<string, long> EventsByName);

public sealed record JobsView(long Submitted, long Completed, long Failed, long InFlight);

public sealed record ReorgView(long FirstNumber, long LastNumber, string[] OldHashes, string[] NewHashes, int Branch);

public sealed record OrphanedView(long Blocks, long Transactions, long Events);

public sealed record GasView(string L1GasPriceFri, string L1DataGasPriceFri, string L2GasPriceFri, ulong HeadL2GasUsed, ulong BlockL2GasLimit);

public sealed record PregenerationView(long Blocks, long Events, long Transactions, double ElapsedMs, double EventsPerSecond);

public sealed record StateView(
    HeadView Head,
    long PendingNumber,
    long L1AcceptedNumber,
    ScenarioView Scenario,
    CountsView Counts,
    JobsView Jobs,
    Dictionary<string, long> Effects,
    int ReorgCount,
    ReorgView? LastReorg,
    OrphanedView Orphaned,
    GasView Gas,
    PregenerationView? Pregeneration,
    int WebSocketSubscriptions);

public sealed record BlockTruthView(long Number, string Hash, string ParentHash, ulong Timestamp, int Branch, int TransactionCount,
    int RevertedTransactions, int EventCount, Dictionary<string, int> EventsByName, string[] TransactionHashes, ulong L2GasUsed,
    IReadOnlyDictionary<string, int>? Effects);

public sealed record ReorgRequest(int Depth);

public sealed record PregenerateRequest(int Blocks, int EventsPerBlock);

public sealed record AdvanceRequest(int Blocks);
