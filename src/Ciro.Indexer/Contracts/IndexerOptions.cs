using System.ComponentModel.DataAnnotations;
using Ciro.Starknet;

namespace Ciro.Indexer.Contracts;

/// <summary>Configuration section "Indexer", validated at start.</summary>
public sealed class IndexerOptions : IValidatableObject
{
    public const string SectionName = "Indexer";

    /// <summary>First block indexed when there is no cursor yet.</summary>
    public ulong StartBlock { get; set; }

    /// <summary>Blocks behind the node's head left unindexed (0: index up to latest, reorgs handled).</summary>
    public int ConfirmationDepth { get; set; }

    /// <summary>Blocks fetched in one RPC batch and committed in one database transaction.</summary>
    public int BatchSize { get; set; } = 25;

    /// <summary>How long to wait for a new head when caught up.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Subscribe to new heads over the node's websocket (Starknet:WebSocketUrl, or ws://host:port/ws
    /// derived from Starknet:RpcUrl when that is absent) so a new block wakes the follower at once. Polling stays the
    /// fallback whenever the socket is unavailable.</summary>
    public bool UseWebSocket { get; set; } = true;

    /// <summary>Safety-net poll while the newHeads subscription is open (never shorter than PollInterval).</summary>
    public TimeSpan PollIntervalWhileSubscribed { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First wait before reconnecting a failed websocket; doubles per consecutive failure.</summary>
    public TimeSpan WebSocketRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxWebSocketRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait after a failed step (RPC or database); doubles per consecutive failure.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a standby replica tries to take the writer lease.</summary>
    public TimeSpan LeaseRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the lease holder pings its lease connection (also the ping's timeout).</summary>
    public TimeSpan LeaseKeepAliveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>PostgreSQL's idle_session_timeout on the lease session: a holder silent this long (dead network
    /// path) loses its session and the lease, so a standby takes over.</summary>
    public TimeSpan LeaseSessionTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Deepest reorg walked back before the indexer halts and asks for an operator.</summary>
    public int MaxReorgDepth { get; set; } = 64;

    /// <summary>While halted, how often the condition is looked at again, quietly (a node back on the stored chain
    /// resumes the indexer; a reindex request resumes it at once).</summary>
    public TimeSpan HaltedRecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>true: keep every transaction and event of every block; false: only those touching Contracts.
    /// Block headers are always kept (network health needs them).</summary>
    public bool AllTransactions { get; set; } = true;

    /// <summary>Store per-call traces (ciro.call_traces) and per-transaction state-diff sizes (ciro.tx_state_diffs)
    /// when the node serves the trace API (starknet_traceBlockTransactions). A node without it is detected on the
    /// first batch ("method not found"), logged once, and indexing goes on without them.</summary>
    public bool CallTraces { get; set; } = true;

    /// <summary>Read each block's state update (one more batched request per batch) and keep the class history of
    /// the kept contracts (ciro.contract_classes) and each class's Sierra/compiler version (ciro.classes). A node
    /// without starknet_getStateUpdate turns it off with a warning.</summary>
    public bool TrackClasses { get; set; } = true;

    /// <summary>A JSON file with a "Contracts" array (same shape as below), merged with this section's list.</summary>
    public string? ContractsFile { get; set; }

    public List<ContractOptions> Contracts { get; set; } = [];

    /// <summary>Name of the cursor row; two indexers with different names can index different ranges.</summary>
    public string CursorName { get; set; } = "main";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BatchSize is < 1 or > 1000)
        {
            yield return new ValidationResult($"Indexer:BatchSize = {BatchSize} must be between 1 and 1000.", [nameof(BatchSize)]);
        }
        if (ConfirmationDepth is < 0 or > 1000)
        {
            yield return new ValidationResult($"Indexer:ConfirmationDepth = {ConfirmationDepth} must be between 0 and 1000.", [nameof(ConfirmationDepth)]);
        }
        if (WebSocketRetryDelay <= TimeSpan.Zero || MaxWebSocketRetryDelay < WebSocketRetryDelay)
        {
            yield return new ValidationResult($"Indexer:WebSocketRetryDelay = {WebSocketRetryDelay} must be positive and at most Indexer:MaxWebSocketRetryDelay = {MaxWebSocketRetryDelay}.", [nameof(WebSocketRetryDelay)]);
        }
        if (LeaseKeepAliveInterval < TimeSpan.FromSeconds(1) || LeaseSessionTimeout < 3 * LeaseKeepAliveInterval)
        {
            yield return new ValidationResult($"Indexer:LeaseKeepAliveInterval = {LeaseKeepAliveInterval} must be at least 1 s and at most a third of " +
                $"Indexer:LeaseSessionTimeout = {LeaseSessionTimeout}, so a live holder never goes idle long enough to lose its lease.", [nameof(LeaseKeepAliveInterval)]);
        }
        if (MaxReorgDepth < 1)
        {
            yield return new ValidationResult($"Indexer:MaxReorgDepth = {MaxReorgDepth} must be at least 1.", [nameof(MaxReorgDepth)]);
        }
        foreach (var (contract, i) in Contracts.Select((c, i) => (c, i)))
        {
            foreach (var address in contract.Addresses)
            {
                if (!Felt.TryParse(address, out _))
                {
                    yield return new ValidationResult($"Indexer:Contracts:{i}:Addresses has '{address}', which is not a felt.", ["Contracts"]);
                }
            }
        }
    }
}

public sealed class ContractOptions
{
    public string Name { get; set; } = "";
    public List<string> Addresses { get; set; } = [];

    /// <summary>Path of the Sierra ABI JSON, relative to the file that names it (or the app folder).</summary>
    public string? Abi { get; set; }

    /// <summary>First block whose transactions and events are kept for this contract when only watched contracts
    /// are kept (<c>Indexer:AllTransactions=false</c>); earlier blocks are still read, their rows for it are not.</summary>
    public ulong StartBlock { get; set; }
}
