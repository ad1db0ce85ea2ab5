using Ciro.Starknet;

namespace Ciro.ChainSimulator.Generation;

/// <summary>Every event kind the simulator emits; the names are the Cairo Event-enum variant names
/// (keys[0] = sn_keccak(name)), see shared/starknet/ciro_events.md.</summary>
public enum EventKind : byte
{
    Transfer,
    JobSubmitted,
    JobAssigned,
    JobCompleted,
    PaymentReleased,
    ModelRegistered,
    WorkerRegistered,
    WorkerDeactivated,
    WorkerReactivated,
    StakeAdded,
    UnstakeRequested,
    UnstakeExecuted,
    JobAllocated,
    WorkerReserved,
    WorkerReleased,
    // PerformanceMonitorComponent, nested in JobManager and CDCPool as PerformanceEvent (see EventKeyPath).
    CallSampled,
    JobSampled,
    SampleRateChanged,
    RegistrySet,
    CallsFlushed,
    MonitorError,
    // MetricsRegistry, and the OpenZeppelin components it flattens.
    ReporterApproved,
    CallSamplePushed,
    WorkerSamplePushed,
    RoleGranted,
    Paused,
    Unpaused,
    // The optimisation scenario's ledgers (GasLab.cs): no CIRO layout, no ABI.
    ResultRecorded,
    StatsUpdated,
    Heartbeat,
}

/// <summary>JobManagerB: the ab-split scenario's second JobManager deployment (same ABI and functions as JobManager,
/// another class); a function's profile names JobManager, the caller routes a job's calls to B.</summary>
public enum TargetContract : byte { JobManager, CdcPool, FeeToken, MetricsRegistry, LabLedger, ControlLedger, JobManagerB }

/// <summary>The contract functions simulated transactions call. Values index <see cref="CiroCatalog.Functions"/>.</summary>
public enum CiroFunction : byte
{
    SubmitAiJob,
    AllocateJob,
    ReserveWorker,
    AssignJobToWorker,
    SubmitJobResult,
    DistributeRewards,
    ReleaseWorker,
    RegisterWorker,
    Stake,
    RequestUnstake,
    CompleteUnstake,
    DeactivateWorker,
    ReactivateWorker,
    RegisterModel,
    Transfer,
    FailJob,
    SetSampleRate,
    SetRegistry,
    FlushCalls,
    ApproveReporter,
    PushWorkerSample,
    Pause,
    Unpause,
    LabRecordResult,
    LabUpdateStats,
    ControlRecordResult,
    ControlUpdateStats,
    Heartbeat,
    Upgrade,
}

/// <summary>
/// Gas profile of one function. L2 gas is what execution costs (storage writes dominate: SNIP-40 prices one at
/// 60,000), storage writes drive L1 data gas and the state diff. Values are plausible, not measured on chain.
/// </summary>
/// <param name="SmallValueWrites">The slots it writes hold small values (32-bit counters, an unpacked struct), not hashes.</param>
public sealed record FunctionProfile(CiroFunction Function, string Name, TargetContract Contract, ulong BaseL2Gas, int StorageWrites,
    bool SmallValueWrites = false)
{
    public Felt Selector { get; } = Ciro.Starknet.Selector.FromName(Name);
}

public static class CiroCatalog
{
    /// <summary>Validation and __execute__ overhead of the account contract, paid once per transaction.</summary>
    public const ulong AccountOverheadL2Gas = 450_000;

    /// <summary>How a trace splits the account overhead: __validate__ and the fee token's transfer take these, the
    /// rest is __execute__'s own (its calls' gas comes on top).</summary>
    public const ulong ValidateL2Gas = 150_000;
    public const ulong FeeTransferL2Gas = 100_000;

    /// <summary>L1 data gas per changed storage slot (blob bytes of a state-diff entry, roughly).</summary>
    public const ulong L1DataGasPerWrite = 64;

    public static readonly FunctionProfile[] Functions =
    [
        new(CiroFunction.SubmitAiJob, "submit_ai_job", TargetContract.JobManager, 2_400_000, 8),
        new(CiroFunction.AllocateJob, "allocate_job", TargetContract.CdcPool, 1_800_000, 4),
        new(CiroFunction.ReserveWorker, "reserve_worker", TargetContract.CdcPool, 600_000, 2),
        new(CiroFunction.AssignJobToWorker, "assign_job_to_worker", TargetContract.JobManager, 1_100_000, 3),
        new(CiroFunction.SubmitJobResult, "submit_job_result", TargetContract.JobManager, 2_000_000, 4),
        new(CiroFunction.DistributeRewards, "distribute_rewards", TargetContract.JobManager, 1_500_000, 4),
        new(CiroFunction.ReleaseWorker, "release_worker", TargetContract.CdcPool, 500_000, 2),
        new(CiroFunction.RegisterWorker, "register_worker", TargetContract.CdcPool, 3_000_000, 10),
        new(CiroFunction.Stake, "stake", TargetContract.CdcPool, 1_200_000, 3),
        new(CiroFunction.RequestUnstake, "request_unstake", TargetContract.CdcPool, 900_000, 3),
        new(CiroFunction.CompleteUnstake, "complete_unstake", TargetContract.CdcPool, 1_000_000, 3),
        new(CiroFunction.DeactivateWorker, "deactivate_worker", TargetContract.CdcPool, 600_000, 1),
        new(CiroFunction.ReactivateWorker, "reactivate_worker", TargetContract.CdcPool, 500_000, 1),
        new(CiroFunction.RegisterModel, "register_model", TargetContract.JobManager, 1_300_000, 4),
        new(CiroFunction.Transfer, "transfer", TargetContract.FeeToken, 400_000, 2),
        // The instrumented contracts' own entry points (contracts/src); set_sample_rate, set_registry and
        // flush_calls exist on both monitored contracts: the caller names the target.
        new(CiroFunction.FailJob, "fail_job", TargetContract.JobManager, 900_000, 3),
        new(CiroFunction.SetSampleRate, "set_sample_rate", TargetContract.JobManager, 700_000, 1),
        new(CiroFunction.SetRegistry, "set_registry", TargetContract.JobManager, 700_000, 1),
        new(CiroFunction.FlushCalls, "flush_calls", TargetContract.JobManager, 1_200_000, 2),
        new(CiroFunction.ApproveReporter, "approve_reporter", TargetContract.MetricsRegistry, 900_000, 2),
        new(CiroFunction.PushWorkerSample, "push_worker_sample", TargetContract.MetricsRegistry, 800_000, 1),
        new(CiroFunction.Pause, "pause", TargetContract.MetricsRegistry, 500_000, 1),
        new(CiroFunction.Unpause, "unpause", TargetContract.MetricsRegistry, 500_000, 1),
        // The optimisation scenario (GasLab.cs): the lab ledger's functions cost what their inefficiency costs on top of
        // the control ledger's: two event fields keyed instead of data (2 × 5,120), four 32-bit counters in four slots
        // instead of one (3 × 60,000).
        new(CiroFunction.LabRecordResult, "record_result", TargetContract.LabLedger, 700_000, 1),
        new(CiroFunction.LabUpdateStats, "update_stats", TargetContract.LabLedger, 640_000, 4, SmallValueWrites: true),
        new(CiroFunction.ControlRecordResult, "record_result", TargetContract.ControlLedger, 689_760, 1),
        new(CiroFunction.ControlUpdateStats, "update_stats", TargetContract.ControlLedger, 460_000, 1),
        new(CiroFunction.Heartbeat, "heartbeat", TargetContract.ControlLedger, 300_000, 1),
        // OpenZeppelin's IUpgradeable.upgrade(new_class_hash) (replace_class); the caller names the target.
        new(CiroFunction.Upgrade, "upgrade", TargetContract.JobManager, 800_000, 1),
    ];

    public static readonly string[] EventNames = Enum.GetNames<EventKind>();

    /// <summary>The monitor's events are a nested component variant (JobManager/CDCPool `PerformanceEvent`):
    /// keys start [sn_keccak("PerformanceEvent"), sn_keccak(name)]; every other event starts [sn_keccak(name)].</summary>
    public static readonly Felt[][] EventKeyPaths = Enum.GetValues<EventKind>()
        .Select(k => k is >= EventKind.CallSampled and <= EventKind.MonitorError
            ? new[] { Selector.FromName("PerformanceEvent"), Selector.FromName(k.ToString()) }
            : [Selector.FromName(k.ToString())])
        .ToArray();

    /// <summary>keys[0] of each kind.</summary>
    public static readonly Felt[] EventSelectors = EventKeyPaths.Select(p => p[0]).ToArray();

    public static FunctionProfile Profile(CiroFunction f) => Functions[(int)f];

    public static bool TryParseFunction(string name, out CiroFunction function)
    {
        foreach (var p in Functions)
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                function = p.Function;
                return true;
            }
        }
        function = default;
        return false;
    }

    /// <summary>Revert reasons the generator uses; a receipt stores an index into this table.</summary>
    public static readonly string[] RevertReasons =
    [
        "Error in the called contract (0x0): Execution failed. Failure reason: 'Job deadline exceeded'.",
        "Error in the called contract (0x0): Execution failed. Failure reason: 'Invalid result proof'.",
        "Error in the called contract (0x0): Execution failed. Failure reason: 'Worker not assigned'.",
        "Error in the called contract (0x0): Execution failed. Failure reason: 'u256_sub Overflow'.",
        // The optimisation scenario's tight wallet (GasLab.cs): a transfer (450,000 + 400,000 L2 gas) bounded at the
        // 690,000 its reverted attempt is charged.
        "Insufficient max L2Gas: max amount: 690000, actual used: 850000.",
    ];

    /// <summary>The reason of a reverted STRK transfer (the sender's balance is short), an index into <see cref="RevertReasons"/>.</summary>
    public const short InsufficientBalance = 3;

    /// <summary>The reason of a transaction whose L2 gas bound is below what it needs, an index into <see cref="RevertReasons"/>.</summary>
    public const short InsufficientMaxL2Gas = 4;
}
