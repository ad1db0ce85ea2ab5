using System.Text.Json.Nodes;
using Ciro.ChainSimulator.Generation;

namespace Ciro.ChainSimulator.Scenarios;

/// <summary>
/// What the block generator should do differently from steady. Immutable: switching scenario swaps the whole
/// record, so a block is generated under exactly one scenario.
/// </summary>
public sealed record ChainScenario
{
    public const string Steady = "steady";
    public const string GasSpike = "gas-spike";
    public const string SlowWorker = "slow-worker";
    public const string FailingWorker = "failing-worker";
    public const string Congestion = "congestion";
    public const string UsageSurge = "usage-surge";
    public const string Monitor = "monitor";
    public const string Peak = "peak";
    public const string PeakBurst = "peak-burst";
    public const string Optimisation = "optimisation";
    public const string Upgrade = "upgrade";
    public const string AbSplit = "ab-split";

    public static readonly string[] Names = [Steady, GasSpike, SlowWorker, FailingWorker, Congestion, UsageSurge, Monitor, Peak, PeakBurst, Optimisation, Upgrade, AbSplit];

    public string Name { get; init; } = Steady;

    /// <summary>The parameters as given (after defaults), echoed by GET /admin/scenario and /admin/state.</summary>
    public JsonObject Parameters { get; init; } = new();

    /// <summary>Multiplies the job submission rate (usage-surge).</summary>
    public double JobRateFactor { get; init; } = 1;

    public CiroFunction? SpikeFunction { get; init; }
    public double SpikeFactor { get; init; } = 1;

    public int? SlowWorkerIndex { get; init; }
    public double SlowFactor { get; init; } = 1;

    public int? FailingWorkerIndex { get; init; }

    /// <summary>Filler transfer transactions per block and the share of the block L2 gas cap they fill.</summary>
    public int CongestionTransactions { get; init; }
    public double CongestionUtilization { get; init; }

    /// <summary>Explicit job rate for pre-generation (events per block); null uses the options' JobsPerBlock.</summary>
    public double? JobsPerBlockOverride { get; init; }

    /// <summary>Pad each block with transfers up to this many events (pre-generation), 0 for none.</summary>
    public int TargetEventsPerBlock { get; init; }

    /// <summary>monitor: the admin sets this sample rate on both monitored contracts (set_sample_rate); null keeps
    /// the rate in force, so switching back to steady leaves it as it is.</summary>
    public uint? MonitorSampleRate { get; init; }

    /// <summary>monitor: the admin pauses (true) or unpauses (false) the MetricsRegistry; null leaves it.</summary>
    public bool? RegistryPaused { get; init; }

    /// <summary>peak, peak-burst: transactions in every full block (CIRO jobs first, then other users' transfers and
    /// multicalls up to this count); 0 for the other scenarios.</summary>
    public int PeakTransactions { get; init; }

    /// <summary>peak: the share of a full block's transactions that revert (the CIRO job reverts count toward it).</summary>
    public double PeakRevertShare { get; init; }

    /// <summary>peak: the share of the filler transactions that are multicalls (batched transfers).</summary>
    public double PeakMulticallShare { get; init; }

    /// <summary>peak-burst: empty blocks before the full ones (only the monitor's keeper may transact).</summary>
    public int IdleBlocks { get; init; }

    /// <summary>peak: full blocks before the chain returns to steady; null keeps it full until the scenario changes.</summary>
    public int? FullBlocks { get; init; }

    /// <summary>optimisation: the lab worker's single-call heartbeat transactions per block (0: the scenario is off).
    /// The lab and control ledgers' transactions come with it (Generation/GasLab.cs).</summary>
    public int LabHeartbeats { get; init; }

    /// <summary>The first block generated under this scenario (set by ChainStore when it switches).</summary>
    public long StartBlock { get; init; }

    /// <summary>upgrade: the class the contract is replaced to at the start of the next block (once; the class and
    /// its gas stay after switching to another scenario).</summary>
    public SimClass? UpgradeTo { get; init; }

    /// <summary>ab-split: the class JobManager B runs (deployed at the scenario's first block); null: no split.</summary>
    public SimClass? AbVariant { get; init; }

    /// <summary>ab-split: the share of new jobs sent to JobManager B (the rest stay on A).</summary>
    public double AbTreatmentShare { get; init; }

    public static ChainScenario Default { get; } = new();

    /// <summary>Where block <paramref name="number"/> falls in a peak scenario's course.</summary>
    public PeakPhase PhaseAt(long number)
    {
        if (PeakTransactions <= 0)
        {
            return PeakPhase.None;
        }
        var offset = number - StartBlock;
        return offset < IdleBlocks ? PeakPhase.Idle
            : FullBlocks is null || offset < IdleBlocks + FullBlocks ? PeakPhase.Full
            : PeakPhase.Over;
    }
}

/// <summary>A block of a peak scenario is idle (peak-burst's quiet start), full, or past the scenario's duration (steady).</summary>
public enum PeakPhase { None, Idle, Full, Over }
