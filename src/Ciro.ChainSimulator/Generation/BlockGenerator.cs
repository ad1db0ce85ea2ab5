using Ciro.ChainSimulator.Chain;
using Ciro.ChainSimulator.Scenarios;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Generation;

/// <summary>
/// Builds block N from the state after block N-1, the scenario and a random stream seeded by (seed, N, branch).
/// Job lifecycle, one step per block at most: submit → allocate (+reserve) → assign → result → pay, or a
/// failure: the worker's result reverts, or it times out; either way the coordinator releases the worker.
/// </summary>
public sealed class BlockGenerator(SimulatorOptions options, FeltTable felts, Accounts accounts)
{
    private readonly Felt _chainId = Felt.FromShortString(options.ChainId);

    public const double MaintenanceChance = 0.35;
    public const double TimeoutChance = 0.04;
    public const double RevertChance = 0.03;
    /// <summary>Blocks a worker has before the coordinator gives up on a job (a timeout failure).</summary>
    public const int JobDeadlineBlocks = 6;

    public long GenesisTimestamp { get; set; } = options.StartTimestamp;

    public ulong TimestampOf(long number) => (ulong)(GenesisTimestamp + number * options.BlockIntervalMs / 1000);

    /// <summary>Generates block <paramref name="number"/>; mutates <paramref name="state"/> into the state after it.</summary>
    public SimBlock Generate(ChainState state, long number, int branch, SimBlock? parent, ChainScenario scenario)
    {
        var rng = new Rng(options.Seed, number, branch);
        var timestamp = TimestampOf(number);
        var phase = scenario.PhaseAt(number);
        if (phase == PeakPhase.Over)
        {
            scenario = ChainScenario.Default; // the peak's duration has passed: this block is steady
        }
        UpdatePrices(state, ref rng);

        var builder = new BlockBuilder(felts, accounts, _chainId);
        var monitor = new InstrumentedContracts(builder, accounts, state, new PerformanceMonitor(builder, (uint)options.MonitorSampleFloor), number, timestamp);
        var txs = new CiroTransactions(builder, accounts, scenario) { Monitor = monitor, Chain = state };
        if (number == 0)
        {
            txs.DeployContracts(state);
            Genesis(state, txs, ref rng);
            monitor.WireRegistry();
        }
        else
        {
            MonitorAdmin(state, monitor, number, timestamp, scenario);
            if (scenario.UpgradeTo is { } upgrade && state.ClassOf(upgrade.Contract).Hash != upgrade.Hash)
            {
                txs.UpgradeClass(state, upgrade);
            }
            if (scenario.AbVariant is { } variant && state.ClassOf(TargetContract.JobManagerB).Hash != variant.Hash)
            {
                txs.DeployVariant(state, variant);
            }
            if (phase == PeakPhase.Idle)
            {
                // peak-burst's quiet start: nobody transacts (the keeper's hourly flush above still runs).
                txs.Effects["peak-burst.idleBlocks"] = 1;
            }
            else
            {
                Business(state, txs, builder, number, timestamp, scenario, phase, ref rng);
            }
        }
        state.LastBlockL2Gas = builder.L2GasUsed;
        return BlockSealer.Seal(builder, felts, new BlockSealer.Header(number, branch, parent, timestamp, accounts, Prices(state), _chainId),
            state, txs.Effects.Count == 0 ? null : txs.Effects);
    }

    /// <summary>Everyone's transactions after the monitor's: the CIRO job steps, new jobs, housekeeping, then
    /// the scenario's other users (congestion, a peak's full block, pre-generation padding).</summary>
    private void Business(ChainState state, CiroTransactions txs, BlockBuilder builder, long number, ulong timestamp, ChainScenario scenario,
        PeakPhase phase, ref Rng rng)
    {
        var cap = scenario.TargetEventsPerBlock > 0 ? int.MaxValue : options.BlockMaxTransactions;
        AdvanceJobs(state, txs, builder, number, timestamp, cap, scenario, ref rng);
        SubmitJobs(state, txs, builder, number, cap, scenario, ref rng);
        Maintenance(state, txs, number, timestamp, ref rng);
        Congest(state, txs, builder, scenario, ref rng);
        if (phase == PeakPhase.Full)
        {
            FillToPeak(state, txs, builder, scenario, ref rng);
        }
        if (scenario.LabHeartbeats > 0)
        {
            new GasLab(builder, accounts, txs.Effects, options.Seed).Block(state, number, scenario.LabHeartbeats);
            txs.Effects["optimisation.blocks"] = 1;
        }
        while (scenario.TargetEventsPerBlock > 0 && builder.EventCount + 2 <= scenario.TargetEventsPerBlock)
        {
            txs.FillerTransfer(state, ref rng, 0);
        }
    }

    /// <summary>The monitor's own transactions, first in the block: the hourly flush of the hour the previous block
    /// belonged to, then the admin's changes the scenario asks for (sample rate, registry pause).</summary>
    private void MonitorAdmin(ChainState state, InstrumentedContracts monitor, long number, ulong timestamp, ChainScenario scenario)
    {
        var previousHour = TimestampOf(number - 1) / PerformanceMonitor.SecondsPerHour;
        if (timestamp / PerformanceMonitor.SecondsPerHour > previousHour)
        {
            monitor.HourlyFlush(previousHour);
        }
        if (scenario.MonitorSampleRate is { } rate && rate != state.JobManagerMonitor.SampleRate)
        {
            monitor.SetSampleRate(rate);
        }
        if (scenario.RegistryPaused is { } paused && paused != state.RegistryPaused)
        {
            monitor.SetRegistryPaused(paused);
        }
    }

    private void Genesis(ChainState state, CiroTransactions txs, ref Rng rng)
    {
        foreach (var worker in accounts.Workers)
        {
            txs.RegisterWorker(state, worker, ref rng);
            txs.Stake(state, worker, rng.Range(1000, 5000), ref rng);
        }
        txs.RegisterModel(state, accounts.Clients[0], ref rng);
        txs.RegisterModel(state, accounts.Clients[^1], ref rng);
    }

    private void AdvanceJobs(ChainState state, CiroTransactions txs, BlockBuilder builder, long number, ulong timestamp, int cap,
        ChainScenario scenario, ref Rng rng)
    {
        var jobs = state.Jobs;
        state.Jobs = new List<Job>(jobs.Count + 8);
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            if (job.DueBlock > number || builder.TransactionCount >= cap)
            {
                state.Jobs.Add(job);
                continue;
            }
            switch (job.Stage)
            {
                case JobStage.Submitted:
                    var worker = PickActiveWorker(state, ref rng);
                    if (worker is not null)
                    {
                        txs.Allocate(state, ref job, worker, timestamp, ref rng);
                    }
                    job.DueBlock = number + 1;
                    state.Jobs.Add(job);
                    break;
                case JobStage.Allocated:
                    txs.Assign(state, ref job, ref rng);
                    DecideOutcome(ref job, number, scenario, txs, ref rng);
                    state.Jobs.Add(job);
                    break;
                case JobStage.Assigned when job.Outcome == JobOutcome.Timeout:
                    txs.Release(state, job, ref rng);
                    CountFailure(job, scenario, txs);
                    break;
                case JobStage.Assigned:
                    txs.SubmitResult(state, ref job, job.Outcome == JobOutcome.Revert, ref rng);
                    job.DueBlock = number + 1;
                    state.Jobs.Add(job);
                    break;
                case JobStage.Completed:
                    txs.Pay(state, job, ref rng);
                    break;
                case JobStage.ResultReverted:
                    txs.Release(state, job, ref rng);
                    CountFailure(job, scenario, txs);
                    break;
            }
        }
    }

    private static void CountFailure(in Job job, ChainScenario scenario, CiroTransactions txs)
    {
        if (scenario.FailingWorkerIndex == job.Worker)
        {
            txs.Effects["failing-worker.failedJobs"] = txs.Effects.GetValueOrDefault("failing-worker.failedJobs") + 1;
        }
    }

    private static void DecideOutcome(ref Job job, long number, ChainScenario scenario, CiroTransactions txs, ref Rng rng)
    {
        var roll = rng.NextDouble();
        job.Outcome = scenario.FailingWorkerIndex == job.Worker
            ? (roll < 0.5 ? JobOutcome.Timeout : JobOutcome.Revert)
            : roll < TimeoutChance ? JobOutcome.Timeout
            : roll < TimeoutChance + RevertChance ? JobOutcome.Revert
            : JobOutcome.Success;
        long delay = job.Outcome == JobOutcome.Timeout ? JobDeadlineBlocks : (long)rng.Range(1, 3);
        if (scenario.SlowWorkerIndex == job.Worker)
        {
            delay = (long)Math.Ceiling(delay * scenario.SlowFactor);
            job.Delayed = true;
            txs.Effects["slow-worker.delayedJobs"] = txs.Effects.GetValueOrDefault("slow-worker.delayedJobs") + 1;
        }
        job.DueBlock = number + delay;
    }

    private SimWorker? PickActiveWorker(ChainState state, ref Rng rng)
    {
        var start = rng.Next(accounts.Workers.Length);
        for (var k = 0; k < accounts.Workers.Length; k++)
        {
            var w = accounts.Workers[(start + k) % accounts.Workers.Length];
            if (state.Workers[w.Index].Active)
            {
                return w;
            }
        }
        return null;
    }

    private void SubmitJobs(ChainState state, CiroTransactions txs, BlockBuilder builder, long number, int cap, ChainScenario scenario, ref Rng rng)
    {
        var count = rng.Poisson((scenario.JobsPerBlockOverride ?? options.JobsPerBlock) * scenario.JobRateFactor);
        count = Math.Min(count, Math.Max(0, cap - builder.TransactionCount));
        for (var i = 0; i < count; i++)
        {
            txs.SubmitJob(state, rng.Next(accounts.Clients.Length), number, ref rng);
        }
        if (scenario.Name == ChainScenario.UsageSurge && count > 0)
        {
            txs.Effects["usage-surge.submittedJobs"] = count;
        }
    }

    /// <summary>Worker and model housekeeping, so every CIRO event kind appears in an ordinary history.</summary>
    private void Maintenance(ChainState state, CiroTransactions txs, long number, ulong timestamp, ref Rng rng)
    {
        foreach (var w in accounts.Workers)
        {
            ref var ws = ref state.Workers[w.Index];
            if (ws.PendingUnstakeStrk > 0 && ws.UnlockBlock <= number)
            {
                txs.CompleteUnstake(state, w, ref rng);
            }
            else if (!ws.Active && rng.Chance(0.25))
            {
                txs.Reactivate(state, w, ref rng);
            }
        }
        if (!rng.Chance(MaintenanceChance))
        {
            return;
        }
        var worker = accounts.Workers[rng.Next(accounts.Workers.Length)];
        ref var st = ref state.Workers[worker.Index];
        switch (rng.Next(4))
        {
            case 0:
                txs.Stake(state, worker, rng.Range(100, 1000), ref rng);
                break;
            case 1 when st.PendingUnstakeStrk == 0 && st.StakeStrk >= 200:
                txs.RequestUnstake(state, worker, 100, timestamp, number, ref rng);
                break;
            case 2 when st.Active && state.Workers.Count(x => x.Active) > 2:
                txs.Deactivate(state, worker, ref rng);
                break;
            default:
                txs.RegisterModel(state, accounts.Clients[rng.Next(accounts.Clients.Length)], ref rng);
                break;
        }
    }

    /// <summary>Congestion: other users' transfers fill the block to the requested share of the L2 gas cap.</summary>
    private void Congest(ChainState state, CiroTransactions txs, BlockBuilder builder, ChainScenario scenario, ref Rng rng)
    {
        if (scenario.CongestionTransactions <= 0)
        {
            return;
        }
        var fillers = Math.Max(0, Math.Min(scenario.CongestionTransactions, options.BlockMaxTransactions) - builder.TransactionCount);
        if (fillers == 0)
        {
            return;
        }
        var targetGas = (ulong)(scenario.CongestionUtilization * options.BlockL2GasLimit);
        var perTx = targetGas > builder.L2GasUsed ? (targetGas - builder.L2GasUsed) / (ulong)fillers : 0;
        var extra = Math.Min(1_000_000_000UL, perTx > 1_000_000 ? perTx - 1_000_000 : 0); // 1e9: per-transaction cap
        for (var i = 0; i < fillers; i++)
        {
            txs.FillerTransfer(state, ref rng, extra);
        }
        if (builder.L2GasUsed >= options.BlockL2GasLimit * 9 / 10)
        {
            txs.Effects["congestion.fullBlocks"] = 1;
        }
    }

    /// <summary>
    /// A full block at Starknet's limits: after the CIRO transactions, other users' STRK transfers and batched
    /// transfers (multicalls) up to exactly PeakTransactions, reverting as many of them as brings the block's reverted
    /// share to PeakRevertShare (the CIRO reverts count toward it). Which fillers revert or batch is drawn by selection
    /// sampling, so the counts are exact and the positions random.
    /// </summary>
    private void FillToPeak(ChainState state, CiroTransactions txs, BlockBuilder builder, ChainScenario scenario, ref Rng rng)
    {
        var target = Math.Min(scenario.PeakTransactions, options.BlockMaxTransactions);
        var room = target - builder.TransactionCount;
        var reverts = Math.Max(0, (int)Math.Round(scenario.PeakRevertShare * target) - builder.RevertedCount);
        var multicalls = (int)Math.Round(Math.Max(0, room) * scenario.PeakMulticallShare);
        for (var left = room; left > 0; left--)
        {
            var revert = rng.NextDouble() * left < reverts;
            var batch = rng.NextDouble() * left < multicalls;
            reverts -= revert ? 1 : 0;
            multicalls -= batch ? 1 : 0;
            if (batch)
            {
                txs.BatchTransfer(state, 2 + rng.Next(3), revert, ref rng);
            }
            else
            {
                txs.FillerTransfer(state, ref rng, 0, revert);
            }
        }
        if (builder.TransactionCount >= target)
        {
            txs.Effects[scenario.Name + ".fullBlocks"] = 1;
        }
    }

    /// <summary>L1 prices and the STRK/ETH rate random-walk; L2 gas follows an EIP-1559-style rule against a target
    /// of a quarter of the block cap (1.5e9 of 6e9), at most ±12.5% a block, never below the floor.</summary>
    private void UpdatePrices(ChainState s, ref Rng rng)
    {
        s.L1GasFri = Clamp(rng.Jitter(s.L1GasFri, 0.02), 11_000_000_000_000, 44_000_000_000_000);
        s.L1DataGasFri = Clamp(rng.Jitter(s.L1DataGasFri, 0.05), 100_000, 5_000_000);
        s.FriPerWei = Clamp(rng.Jitter(s.FriPerWei, 0.003), 15_000, 30_000);
        var target = (double)options.BlockL2GasLimit / 4;
        var change = Math.Clamp((s.LastBlockL2Gas - target) / target / 8, -0.125, 0.125);
        s.L2GasFri = Math.Max(ChainState.MinL2GasFri, (ulong)(s.L2GasFri * (1 + change)));
    }

    private static ulong Clamp(ulong v, ulong min, ulong max) => Math.Min(max, Math.Max(min, v));

    private static GasPrices Prices(ChainState s) => new(
        s.L1GasFri, Math.Max(1, s.L1GasFri / s.FriPerWei),
        s.L1DataGasFri, Math.Max(1, s.L1DataGasFri / s.FriPerWei),
        s.L2GasFri, Math.Max(1, s.L2GasFri / s.FriPerWei));
}
