using Ciro.ChainSimulator.Scenarios;

namespace Ciro.ChainSimulator.Generation;

/// <summary>
/// One method per kind of CIRO transaction: the calls it makes (calldata argument layouts are the simulator's
/// reading of the CIRO functions, see README) and the events each call emits, encoded exactly as
/// ciro_events.md lays them out (u256 = [low, high], keys before data in declaration order).
/// Raw ulongs are felt codes only below 2^63: any amount that may be larger goes through BlockBuilder.U128.
/// </summary>
public sealed class CiroTransactions(BlockBuilder b, Accounts a, ChainScenario scenario)
{
    private const ulong Strk = 1_000_000_000_000_000_000;

    public Dictionary<string, int> Effects { get; } = new();

    /// <summary>The monitor lines of the instrumented contracts (set by the generator for each block).</summary>
    public required InstrumentedContracts Monitor { get; init; }

    /// <summary>The chain state the block starts from: the classes the contracts run decide their functions' gas.</summary>
    public required ChainState Chain { get; init; }

    private void Count(string effect, int n = 1) => Effects[effect] = Effects.GetValueOrDefault(effect) + n;

    private double GasFactor(CiroFunction f, TargetContract? to = null)
    {
        var classFactor = Chain.ClassOf(to ?? CiroCatalog.Profile(f).Contract).FactorFor(f);
        if (scenario.SpikeFunction == f)
        {
            Count("gas-spike.spikedCalls");
            return scenario.SpikeFactor * classFactor;
        }
        return classFactor;
    }

    /// <summary>The admin replaces a contract's class (IUpgradeable.upgrade → replace_class): no event, the block's
    /// state update lists it in replaced_classes. Base gas without jitter, so it draws nothing from the random stream
    /// and the business transactions of the block are the same as without the upgrade.</summary>
    public void UpgradeClass(ChainState s, SimClass to)
    {
        b.Begin(a.Coordinator);
        b.CallAtBaseGas(CiroFunction.Upgrade, [b.Code(to.Hash)], to.Contract);
        b.End(s, 0);
        b.AddClassChange(new ClassChange(a.Address(to.Contract), to, Replaced: true));
        s.Classes[(int)to.Contract] = to;
        Count("upgrade.replacedClasses");
    }

    /// <summary>Genesis: the contracts exist from block 0 with their initial classes (deployed_contracts).</summary>
    public void DeployContracts(ChainState s)
    {
        foreach (var c in s.Classes.Where(c => c.Contract is TargetContract.JobManager or TargetContract.CdcPool
                     or TargetContract.FeeToken or TargetContract.MetricsRegistry))
        {
            b.AddClassChange(new ClassChange(a.Address(c.Contract), c, Replaced: false));
        }
    }

    private void Call(CiroFunction f, ReadOnlySpan<ulong> args, ref Rng rng) => b.Call(f, args, ref rng, GasFactor(f));

    /// <summary>A JobManager call of a job: to the deployment of the job's ab-split arm, at that class's gas.</summary>
    private void JobCall(in Job job, CiroFunction f, ReadOnlySpan<ulong> args, ref Rng rng)
    {
        var to = JobManagerOf(job);
        b.Call(f, args, ref rng, GasFactor(f, to), to);
    }

    private static TargetContract JobManagerOf(in Job job) => job.Arm == AbArm.B ? TargetContract.JobManagerB : TargetContract.JobManager;

    private ulong JobManagerCode(in Job job) => a.ContractCode(JobManagerOf(job));

    /// <summary>ab-split: JobManager B appears in the state diff's deployed_contracts with the variant class (no
    /// transaction, as the genesis contracts); a later ab-split with another variant replaces B's class.</summary>
    public void DeployVariant(ChainState s, SimClass variant)
    {
        if (s.JobManagerBDeployed)
        {
            UpgradeClass(s, variant);
            return;
        }
        b.AddClassChange(new ClassChange(a.Address(TargetContract.JobManagerB), variant, Replaced: false));
        s.Classes[(int)TargetContract.JobManagerB] = variant;
        s.JobManagerBDeployed = true;
        s.JobManagerBMonitor = new MonitorStorage { SampleRate = s.JobManagerMonitor.SampleRate };
        Count("ab-split.deployments");
    }

    /// <summary>The arm of a job submitted now: B with the scenario's share, decided by a hash of the job id (so the
    /// split draws nothing from the block's random stream and each job's arm is fixed).</summary>
    private AbArm ArmOf(long jobId)
    {
        if (scenario.AbVariant is null || !Chain.JobManagerBDeployed)
        {
            return AbArm.None;
        }
        var z = (ulong)jobId * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53)) < scenario.AbTreatmentShare ? AbArm.B : AbArm.A;
    }

    private void CountArm(in Job job, string what)
    {
        if (job.Arm != AbArm.None)
        {
            Count($"ab-split.{what}{job.Arm}");
        }
    }

    private static ulong Tip(ref Rng rng) => rng.Chance(0.5) ? 0UL : 100_000_000UL;

    public void RegisterWorker(ChainState s, SimWorker w, ref Rng rng)
    {
        b.Begin(w.Account);
        ulong gpuModel = b.Code(Felt(w.GpuModel)), cpuModel = b.Code(Felt("EPYC-9654"));
        const ulong flags = 1 | 4 | 8 | 64; // CUDA, FP16, INT8, TENSOR_CORES
        Call(CiroFunction.RegisterWorker, [w.GpuMemoryGb, 64, 512, 4000, 10_000, flags, gpuModel, cpuModel, rng.NextULong() >> 1, b.Code(Felt("eu-west"))], ref rng);
        // stake_amount is always emitted as 0 by the contract (ciro_events.md).
        b.Emit(EventKind.WorkerRegistered, a.CdcPool, [w.WorkerIdCode, w.Account.Code],
            [w.GpuMemoryGb, 64, 512, 4000, 10_000, flags, gpuModel, cpuModel, 0, 0]);
        Monitor.OnTxHash(CiroFunction.RegisterWorker);
        b.End(s, Tip(ref rng));
        s.Workers[w.Index].Active = true;
        s.RegisteredWorkers++;
    }

    public void Stake(ChainState s, SimWorker w, ulong strk, ref Rng rng)
    {
        b.Begin(w.Account);
        var amount = b.U128((UInt128)strk * Strk);
        Call(CiroFunction.Stake, [amount, 0], ref rng);
        s.Workers[w.Index].StakeStrk += strk;
        b.Emit(EventKind.StakeAdded, a.CdcPool, [w.Account.Code], [amount, 0, b.U128((UInt128)s.Workers[w.Index].StakeStrk * Strk), 0]);
        Monitor.OnTxHash(CiroFunction.Stake);
        b.End(s, Tip(ref rng));
    }

    public void RequestUnstake(ChainState s, SimWorker w, ulong strk, ulong timestamp, long number, ref Rng rng)
    {
        b.Begin(w.Account);
        var amount = b.U128((UInt128)strk * Strk);
        Call(CiroFunction.RequestUnstake, [amount, 0], ref rng);
        b.Emit(EventKind.UnstakeRequested, a.CdcPool, [w.Account.Code], [amount, 0, timestamp + 7 * 86_400]);
        Monitor.OnTxHash(CiroFunction.RequestUnstake);
        b.End(s, Tip(ref rng));
        ref var ws = ref s.Workers[w.Index];
        ws.PendingUnstakeStrk = strk;
        ws.UnlockBlock = number + 10; // compressed unbonding so the full cycle shows within a minute
    }

    public void CompleteUnstake(ChainState s, SimWorker w, ref Rng rng)
    {
        ref var ws = ref s.Workers[w.Index];
        b.Begin(w.Account);
        Call(CiroFunction.CompleteUnstake, [], ref rng);
        b.Emit(EventKind.UnstakeExecuted, a.CdcPool, [w.Account.Code], [b.U128((UInt128)ws.PendingUnstakeStrk * Strk), 0]);
        Monitor.OnTxHash(CiroFunction.CompleteUnstake);
        b.End(s, Tip(ref rng));
        ws.StakeStrk -= Math.Min(ws.StakeStrk, ws.PendingUnstakeStrk);
        ws.PendingUnstakeStrk = 0;
    }

    public void Deactivate(ChainState s, SimWorker w, ref Rng rng)
    {
        b.Begin(a.Coordinator);
        var reason = b.Code(Felt("maintenance"));
        Call(CiroFunction.DeactivateWorker, [w.WorkerIdCode, reason], ref rng);
        b.Emit(EventKind.WorkerDeactivated, a.CdcPool, [w.WorkerIdCode], [reason]);
        b.End(s, Tip(ref rng));
        s.Workers[w.Index].Active = false;
    }

    public void Reactivate(ChainState s, SimWorker w, ref Rng rng)
    {
        b.Begin(a.Coordinator);
        Call(CiroFunction.ReactivateWorker, [w.WorkerIdCode], ref rng);
        b.Emit(EventKind.WorkerReactivated, a.CdcPool, [w.WorkerIdCode], []);
        b.End(s, Tip(ref rng));
        s.Workers[w.Index].Active = true;
    }

    public void RegisterModel(ChainState s, SimAccount owner, ref Rng rng)
    {
        b.Begin(owner);
        var modelId = (ulong)++s.ModelCount;
        Call(CiroFunction.RegisterModel, [rng.NextULong() >> 1, 24], ref rng);
        b.Emit(EventKind.ModelRegistered, a.JobManager, [modelId, 0, owner.Code], []);
        b.End(s, Tip(ref rng));
    }

    public void SubmitJob(ChainState s, int client, long number, ref Rng rng)
    {
        var account = a.Clients[client];
        var job = new Job { Id = s.NextJobId++, Client = client, Payment = rng.Range(5, 80) * (Strk / 10), Stage = JobStage.Submitted, DueBlock = number + 1 };
        job.Arm = ArmOf(job.Id);
        CountArm(job, "jobs");
        b.Begin(account);
        var model = (ulong)Math.Max(1, s.ModelCount);
        var payment = b.U128(job.Payment);
        JobCall(job, CiroFunction.SubmitAiJob, [rng.Range(1, model), 0, rng.NextULong() >> 1, payment, 0], ref rng);
        b.Emit(EventKind.JobSubmitted, JobManagerCode(job), [(ulong)job.Id, 0, account.Code], [payment, 0]);
        Monitor.SubmitAiJob(job);
        b.End(s, Tip(ref rng));
        s.Jobs.Add(job);
    }

    /// <summary>One multicall: allocate_job then reserve_worker, so multicall attribution gets exercised.</summary>
    public void Allocate(ChainState s, ref Job job, SimWorker w, ulong timestamp, ref Rng rng)
    {
        var id = (ulong)job.Id;
        b.Begin(a.Coordinator);
        Call(CiroFunction.AllocateJob, [id, 0, 24, 1], ref rng);
        b.Emit(EventKind.JobAllocated, a.CdcPool, [id, 0, w.WorkerIdCode], [rng.Range(70, 99), timestamp + rng.Range(20, 120)]);
        Monitor.AllocateJob(job.Id, w);
        Call(CiroFunction.ReserveWorker, [w.WorkerIdCode, id, 0, 3600], ref rng);
        b.Emit(EventKind.WorkerReserved, a.CdcPool, [w.WorkerIdCode, id, 0], [3600]);
        b.End(s, Tip(ref rng));
        job.Worker = w.Index;
        job.Stage = JobStage.Allocated;
    }

    public void Assign(ChainState s, ref Job job, ref Rng rng)
    {
        var w = a.Workers[job.Worker];
        var id = (ulong)job.Id;
        b.Begin(a.Coordinator);
        JobCall(job, CiroFunction.AssignJobToWorker, [id, 0, w.WorkerIdCode], ref rng);
        b.Emit(EventKind.JobAssigned, JobManagerCode(job), [id, 0, w.Account.Code], []);
        Monitor.AssignJobToWorker(job, w);
        b.End(s, Tip(ref rng));
        job.Stage = JobStage.Assigned;
    }

    /// <summary>The worker submits its result: JobCompleted, or a reverted transaction with only the fee Transfer.</summary>
    public void SubmitResult(ChainState s, ref Job job, bool revert, ref Rng rng)
    {
        var w = a.Workers[job.Worker];
        var id = (ulong)job.Id;
        b.Begin(w.Account);
        JobCall(job, CiroFunction.SubmitJobResult, [id, 0, rng.NextULong() >> 1, rng.Range(500, 60_000)], ref rng);
        CountArm(job, revert ? "revertedResults" : "results");
        if (!revert)
        {
            b.Emit(EventKind.JobCompleted, JobManagerCode(job), [id, 0, w.Account.Code], []);
            Monitor.SubmitJobResult(job, w);
        }
        b.End(s, Tip(ref rng), revert ? (short)rng.Next(2) : (short)-1);
        job.Stage = revert ? JobStage.ResultReverted : JobStage.Completed;
    }

    /// <summary>PaymentReleased.amount is the worker's share: 90% of the payment.</summary>
    public void Pay(ChainState s, in Job job, ref Rng rng)
    {
        var w = a.Workers[job.Worker];
        var id = (ulong)job.Id;
        b.Begin(a.Coordinator);
        JobCall(job, CiroFunction.DistributeRewards, [id, 0], ref rng);
        b.Emit(EventKind.PaymentReleased, JobManagerCode(job), [id, 0, w.Account.Code], [b.U128(job.Payment / 10 * 9), 0]);
        Monitor.DistributeRewards(job);
        b.End(s, Tip(ref rng));
        s.CompletedJobs++;
    }

    /// <summary>The coordinator frees the worker of a job that will never complete and marks the job failed, in one
    /// multicall: release_worker (WorkerReleased), then fail_job, which has no CIRO event; the monitor's JobSampled
    /// with stage 2 (failed) records it when the job is sampled.</summary>
    public void Release(ChainState s, in Job job, ref Rng rng)
    {
        var w = a.Workers[job.Worker];
        var id = (ulong)job.Id;
        b.Begin(a.Coordinator);
        Call(CiroFunction.ReleaseWorker, [w.WorkerIdCode, id, 0], ref rng);
        b.Emit(EventKind.WorkerReleased, a.CdcPool, [w.WorkerIdCode, id, 0], []);
        b.CallAtBaseGas(CiroFunction.FailJob, [id, 0, b.Code(Felt(job.Outcome == JobOutcome.Timeout ? "deadline exceeded" : "result reverted"))], JobManagerOf(job));
        Monitor.FailJob(job, w);
        b.End(s, Tip(ref rng));
        s.FailedJobs++;
    }

    /// <summary>A non-CIRO STRK transfer (Cairo 1 Transfer layout) carrying <paramref name="extraL2Gas"/>; a reverted
    /// one (insufficient balance) keeps only the fee Transfer.</summary>
    public void FillerTransfer(ChainState s, ref Rng rng, ulong extraL2Gas, bool revert = false)
    {
        var from = a.Fillers[rng.Next(a.Fillers.Length)];
        b.Begin(from);
        TransferCall(from, ref rng);
        b.AddL2Gas(extraL2Gas);
        b.End(s, rng.Range(0, 200_000_000), revert ? CiroCatalog.InsufficientBalance : (short)-1);
    }

    /// <summary>Another user's multicall: <paramref name="calls"/> STRK transfers in one transaction (a batch payout),
    /// one Transfer event per call unless it reverts.</summary>
    public void BatchTransfer(ChainState s, int calls, bool revert, ref Rng rng)
    {
        var from = a.Fillers[rng.Next(a.Fillers.Length)];
        b.Begin(from);
        for (var i = 0; i < calls; i++)
        {
            TransferCall(from, ref rng);
        }
        b.End(s, rng.Range(0, 200_000_000), revert ? CiroCatalog.InsufficientBalance : (short)-1);
    }

    private void TransferCall(SimAccount from, ref Rng rng)
    {
        var to = a.Fillers[rng.Next(a.Fillers.Length)];
        var amount = b.U128(rng.Range(1, 1000) * (Strk / 100));
        b.Call(CiroFunction.Transfer, [to.Code, amount, 0], ref rng);
        b.Emit(EventKind.Transfer, a.FeeToken, [from.Code, to.Code], [amount, 0]);
    }

    private static Ciro.Starknet.Felt Felt(string shortString) => Ciro.Starknet.Felt.FromShortString(shortString);
}
