namespace Ciro.ChainSimulator.Generation;

public enum JobStage : byte
{
    /// <summary>JobSubmitted emitted; the coordinator allocates it next block.</summary>
    Submitted,
    /// <summary>JobAllocated + WorkerReserved emitted; assignment follows.</summary>
    Allocated,
    /// <summary>JobAssigned emitted; the worker answers after its completion delay.</summary>
    Assigned,
    /// <summary>JobCompleted emitted; PaymentReleased follows.</summary>
    Completed,
    /// <summary>The worker's submit_job_result reverted; WorkerReleased follows (the job failed).</summary>
    ResultReverted,
}

/// <summary>The ab-split arm of a job: None when submitted outside the scenario (it runs on JobManager A).</summary>
public enum AbArm : byte { None, A, B }

/// <summary>How an assigned job ends, decided when it is assigned.</summary>
public enum JobOutcome : byte { Success, Timeout, Revert }

public struct Job
{
    public long Id;
    public int Client;
    public int Worker;
    public ulong Payment;
    public JobStage Stage;
    public long DueBlock;
    public JobOutcome Outcome;
    public bool Delayed;          // the slow-worker scenario stretched its completion
    public AbArm Arm;             // ab-split: the arm the job was split to (its JobManager calls go to that deployment)
}

public struct WorkerState
{
    public bool Active;
    public ulong StakeStrk;       // whole STRK; events carry it ×10^18
    public ulong PendingUnstakeStrk;
    public long UnlockBlock;
}

/// <summary>
/// Everything a block's contents depend on besides the scenario and the per-block random stream. The chain keeps
/// a copy after each recent block so a reorg or a regenerated pre-confirmed block restarts from exact state.
/// </summary>
public sealed class ChainState
{
    public long NextJobId = 1;
    public long ModelCount;
    public long RegisteredWorkers;
    public long CompletedJobs;
    public long FailedJobs;
    public List<Job> Jobs = new();
    public WorkerState[] Workers = [];
    public ulong[] Nonces = [];

    /// <summary>The PerformanceMonitorComponent storage of each monitored contract, and the registry's pause flag.</summary>
    public MonitorStorage JobManagerMonitor = new();
    public MonitorStorage CdcPoolMonitor = new();
    public bool RegistryPaused;

    /// <summary>ab-split: JobManager B is deployed (at the scenario's first block, once) with its own monitor storage
    /// at the rate A's had then (so both arms' hooks cost the same in expectation; B is not wired to the registry).</summary>
    public bool JobManagerBDeployed;
    public MonitorStorage JobManagerBMonitor = new();

    /// <summary>The class each contract runs now (deployed at genesis, replaced by the upgrade scenario).</summary>
    public SimClass[] Classes = [];

    public SimClass ClassOf(TargetContract contract) => Classes[(int)contract];

    /// <summary>The optimisation scenario's ledgers are deployed in its first block (GasLab.cs).</summary>
    public bool LedgersDeployed;

    /// <summary>Prices in FRI; WEI prices follow from the FRI-per-WEI rate.</summary>
    public ulong L1GasFri = 22_087_000_000_000;
    public ulong L1DataGasFri = 500_000;
    public ulong L2GasFri = MinL2GasFri;
    public ulong FriPerWei = 22_086;
    public ulong LastBlockL2Gas;

    /// <summary>Starknet 0.14's fee-market floor for L2 gas (the price of quiet Sepolia blocks).</summary>
    public const ulong MinL2GasFri = 3_000_000_000;

    public static ChainState Initial(Accounts accounts, uint sampleRate, ulong seed = 42) => new()
    {
        Workers = new WorkerState[accounts.Workers.Length],
        Nonces = new ulong[accounts.SlotCount],
        JobManagerMonitor = new MonitorStorage { SampleRate = sampleRate },
        CdcPoolMonitor = new MonitorStorage { SampleRate = sampleRate },
        Classes = Enum.GetValues<TargetContract>().Select(c => ContractClasses.Initial(c, seed)).ToArray(),
    };

    public ChainState Clone() => new()
    {
        NextJobId = NextJobId,
        ModelCount = ModelCount,
        RegisteredWorkers = RegisteredWorkers,
        CompletedJobs = CompletedJobs,
        FailedJobs = FailedJobs,
        Jobs = new List<Job>(Jobs),
        Workers = (WorkerState[])Workers.Clone(),
        Nonces = (ulong[])Nonces.Clone(),
        JobManagerMonitor = JobManagerMonitor.Clone(),
        CdcPoolMonitor = CdcPoolMonitor.Clone(),
        RegistryPaused = RegistryPaused,
        JobManagerBDeployed = JobManagerBDeployed,
        JobManagerBMonitor = JobManagerBMonitor.Clone(),
        Classes = (SimClass[])Classes.Clone(),
        LedgersDeployed = LedgersDeployed,
        L1GasFri = L1GasFri,
        L1DataGasFri = L1DataGasFri,
        L2GasFri = L2GasFri,
        FriPerWei = FriPerWei,
        LastBlockL2Gas = LastBlockL2Gas,
    };
}
