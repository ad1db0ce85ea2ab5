using Ciro.Starknet;

namespace Ciro.ChainSimulator.Generation;

/// <summary>
/// The monitor lines of the instrumented JobManager and CDCPool (contracts/src/job_manager.cairo, cdc_pool.cairo),
/// and the transactions around them: wiring the registry at genesis, the admin's set_sample_rate and the registry's
/// pause, the keeper's hourly flush_calls and push_worker_sample. One instance per generated block.
/// Hooks run after the business event, as in the Cairo ("hooks run last").
/// </summary>
public sealed class InstrumentedContracts(BlockBuilder b, Accounts a, ChainState s, PerformanceMonitor monitor, long number, ulong timestamp)
{
    /// <summary>sn_keccak("REPORTER_ROLE"), the registry's role id.</summary>
    public static readonly Felt ReporterRole = Selector.FromName("REPORTER_ROLE");

    private static Felt SelectorOf(CiroFunction f) => CiroCatalog.Profile(f).Selector;

    // JobManager: submit_ai_job and distribute_rewards sample on the job id; the job hooks on the job id too.
    // A job of the ab-split's arm B runs on JobManager B, whose monitor has its own storage and emits from B.
    public void SubmitAiJob(in Job job) =>
        monitor.RecordCall(Storage(job), Code(job), SelectorOf(CiroFunction.SubmitAiJob), (UInt128)job.Id, number, timestamp);

    public void AssignJobToWorker(in Job job, SimWorker w) =>
        monitor.RecordJobAssigned(Storage(job), Code(job), SelectorOf(CiroFunction.AssignJobToWorker), job.Id, w.Account.Address, timestamp);

    public void SubmitJobResult(in Job job, SimWorker w) =>
        monitor.RecordJobFinished(Storage(job), Code(job), SelectorOf(CiroFunction.SubmitJobResult), job.Id, w.Account.Address, true, timestamp);

    public void FailJob(in Job job, SimWorker w) =>
        monitor.RecordJobFinished(Storage(job), Code(job), SelectorOf(CiroFunction.FailJob), job.Id, w.Account.Address, false, timestamp);

    public void DistributeRewards(in Job job) =>
        monitor.RecordCall(Storage(job), Code(job), SelectorOf(CiroFunction.DistributeRewards), (UInt128)job.Id, number, timestamp);

    private MonitorStorage Storage(in Job job) => job.Arm == AbArm.B ? s.JobManagerBMonitor : s.JobManagerMonitor;

    private ulong Code(in Job job) => job.Arm == AbArm.B ? a.JobManagerB : a.JobManager;

    // CDCPool: allocate_job on the job id (the worker key is the WorkerId); the staking calls on the tx hash.
    public void AllocateJob(long jobId, SimWorker w) =>
        monitor.RecordJobAssigned(s.CdcPoolMonitor, a.CdcPool, SelectorOf(CiroFunction.AllocateJob), jobId, w.WorkerId, timestamp);

    /// <summary>register_worker, stake, request_unstake, complete_unstake: record_call_keyed on the tx hash's low
    /// 128 bits, known only once the transaction is complete.</summary>
    public void OnTxHash(CiroFunction function) =>
        b.OnHash(hash => monitor.RecordCall(s.CdcPoolMonitor, a.CdcPool, SelectorOf(function), hash.Low, number, timestamp));

    /// <summary>Genesis: both monitored contracts point at the registry, which approves them (flush_calls) and the
    /// coordinator (the keeper that pushes worker samples) as reporters.</summary>
    public void WireRegistry()
    {
        b.Begin(a.Coordinator);
        foreach (var (target, storage, code) in Monitored())
        {
            b.CallAtBaseGas(CiroFunction.SetRegistry, [a.MetricsRegistry], target);
            storage.HasRegistry = true;
            b.Emit(EventKind.RegistrySet, code, [], [a.MetricsRegistry]);
        }
        foreach (var reporter in new[] { a.JobManager, a.CdcPool, a.Coordinator.Code })
        {
            b.CallAtBaseGas(CiroFunction.ApproveReporter, [reporter]);
            b.Emit(EventKind.RoleGranted, a.MetricsRegistry, [], [b.Code(ReporterRole), reporter, a.Coordinator.Code]);
            b.Emit(EventKind.ReporterApproved, a.MetricsRegistry, [reporter], [a.Coordinator.Code]);
        }
        b.End(s, 0);
    }

    /// <summary>The admin's set_sample_rate on both contracts (SampleRateChanged each); the rate applies from the
    /// next hook on, in this block already.</summary>
    public void SetSampleRate(uint rate)
    {
        b.Begin(a.Coordinator);
        foreach (var (target, storage, code) in Monitored())
        {
            b.CallAtBaseGas(CiroFunction.SetSampleRate, [rate], target);
            b.Emit(EventKind.SampleRateChanged, code, [], [storage.SampleRate, rate]);
            storage.SampleRate = rate;
        }
        b.End(s, 0);
    }

    public void SetRegistryPaused(bool paused)
    {
        b.Begin(a.Coordinator);
        b.CallAtBaseGas(paused ? CiroFunction.Pause : CiroFunction.Unpause, []);
        b.Emit(paused ? EventKind.Paused : EventKind.Unpaused, a.MetricsRegistry, [], [a.Coordinator.Code]);
        b.End(s, 0);
        s.RegistryPaused = paused;
    }

    /// <summary>
    /// The keeper, in the first block of an hour: flush_calls for every selector with a count in the hour that just
    /// ended (one multicall over both contracts), then push_worker_sample with the JobManager's stats of every worker
    /// seen in that hour. A paused registry turns each flush into MonitorError FLUSH_FAILED; the worker push would
    /// revert, so the keeper skips it.
    /// </summary>
    public void HourlyFlush(ulong hour)
    {
        var flushes = new List<(TargetContract Target, MonitorStorage Storage, ulong Code, Felt Selector)>();
        foreach (var (target, storage, code) in Monitored())
        {
            foreach (var selector in storage.Calls.Keys.Select(k => k.Selector).Distinct().Order())
            {
                if (storage.CallCount(selector, hour) > 0)
                {
                    flushes.Add((target, storage, code, selector));
                }
            }
        }
        if (flushes.Count > 0)
        {
            b.Begin(a.Coordinator);
            foreach (var f in flushes)
            {
                b.CallAtBaseGas(CiroFunction.FlushCalls, [b.Code(f.Selector), hour], f.Target);
                monitor.FlushCalls(f.Storage, f.Code, a.MetricsRegistry, f.Selector, hour, timestamp, s.RegistryPaused);
            }
            b.End(s, 0);
        }
        var from = hour * PerformanceMonitor.SecondsPerHour;
        var workers = s.JobManagerMonitor.Workers
            .Where(w => w.Value.LastSeen >= from && w.Value.LastSeen < from + PerformanceMonitor.SecondsPerHour)
            .OrderBy(w => w.Key)
            .ToList();
        if (workers.Count == 0 || s.RegistryPaused)
        {
            return;
        }
        b.Begin(a.Coordinator);
        foreach (var (worker, stats) in workers)
        {
            var key = b.Code(worker);
            b.CallAtBaseGas(CiroFunction.PushWorkerSample, [key, stats.Assigned, stats.Completed, stats.Failed, stats.TotalDuration, stats.LastSeen]);
            b.Emit(EventKind.WorkerSamplePushed, a.MetricsRegistry, [a.Coordinator.Code, key],
                [stats.Assigned, stats.Completed, stats.Failed, stats.TotalDuration]);
        }
        b.End(s, 0);
    }

    private IEnumerable<(TargetContract Target, MonitorStorage Storage, ulong Code)> Monitored()
    {
        yield return (TargetContract.JobManager, s.JobManagerMonitor, a.JobManager);
        yield return (TargetContract.CdcPool, s.CdcPoolMonitor, a.CdcPool);
    }
}
