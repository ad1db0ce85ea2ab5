using Ciro.Starknet;

namespace Ciro.ChainSimulator.Generation;

/// <summary>Six consecutive hourly counters tagged with their 6-hour group (the Cairo CallBucketGroup).</summary>
public readonly record struct CallBucketGroup(uint Group, uint C0, uint C1, uint C2, uint C3, uint C4, uint C5)
{
    public uint Get(ulong index) => index switch { 0 => C0, 1 => C1, 2 => C2, 3 => C3, 4 => C4, _ => C5 };

    public CallBucketGroup Set(ulong index, uint value) => index switch
    {
        0 => this with { C0 = value },
        1 => this with { C1 = value },
        2 => this with { C2 = value },
        3 => this with { C3 = value },
        4 => this with { C4 = value },
        _ => this with { C5 = value },
    };
}

/// <summary>Per-worker job metrics, already scaled by the sample rate (the Cairo WorkerStats).</summary>
public readonly record struct WorkerStats(uint Assigned, uint Completed, uint Failed, ulong TotalDuration, ulong LastSeen);

/// <summary>
/// The storage of one monitored contract's PerformanceMonitorComponent (contracts/src/utils/performance.cairo):
/// the state slot (rate and block marker), the registry, the per-selector ring of hourly counters, the worker
/// stats and the assignment time of sampled jobs. Part of <see cref="ChainState"/>, so reorgs restart from it.
/// </summary>
public sealed class MonitorStorage
{
    public uint SampleRate;
    public ulong BlockNumber;
    public ulong BlockTimestamp;
    public uint CallsInBlock;
    public bool HasRegistry;
    public Dictionary<(Felt Selector, ulong Slot), CallBucketGroup> Calls = new();
    public Dictionary<Felt, WorkerStats> Workers = new();
    public Dictionary<long, ulong> JobStarted = new();

    public MonitorStorage Clone() => new()
    {
        SampleRate = SampleRate,
        BlockNumber = BlockNumber,
        BlockTimestamp = BlockTimestamp,
        CallsInBlock = CallsInBlock,
        HasRegistry = HasRegistry,
        Calls = new(Calls),
        Workers = new(Workers),
        JobStarted = new(JobStarted),
    };

    /// <summary>get_call_count: the hourly counter of <paramref name="hour"/>, 0 once its slot was recycled.</summary>
    public uint CallCount(Felt selector, ulong hour)
    {
        var group = hour / PerformanceMonitor.HoursPerSlot;
        return Calls.TryGetValue((selector, group % PerformanceMonitor.RingSlots), out var bucket) && bucket.Group == group
            ? bucket.Get(hour % PerformanceMonitor.HoursPerSlot)
            : 0;
    }
}

/// <summary>
/// The component's hooks as the Cairo runs them, line for line: the floor pre-filter, the 1-in-N decision on a key
/// (tx hash low 128 bits, or the job id), the saturating counters, the events (nested under PerformanceEvent) and
/// MonitorError instead of a revert. Every hook also charges the L2 gas of what it touches by Starknet's fee rules
/// (shared notes, starknet-gas.md): storage reads and writes, event key and data felts; the transaction's
/// <c>SimTx.MonitorL2Gas</c> keeps the sum so the overhead can be measured.
/// </summary>
public sealed class PerformanceMonitor(BlockBuilder b, uint floor)
{
    public const ulong HoursPerSlot = 6;
    public const ulong RingSlots = 4;
    public const ulong RingHours = 24;
    public const ulong SecondsPerHour = 3600;

    public const byte StageAssigned = 0;
    public const byte StageCompleted = 1;
    public const byte StageFailed = 2;

    // Fee facts (SNIP-40 / v0.14.3 constants; event felts per the Starknet fee docs).
    public const ulong StorageReadGas = 24_000;
    public const ulong StorageWriteGas = 60_000;
    public const ulong EventKeyFeltGas = 10_240;
    public const ulong EventDataFeltGas = 5_120;

    private const uint U32Max = uint.MaxValue;

    public static bool IsSampled(UInt128 key, uint rate) => rate != 0 && key % rate == 0;

    public static bool ValidRate(uint rate, uint floor) => rate == 0 || rate % floor == 0;

    /// <summary>record_call / record_call_keyed: a plain call sampled on <paramref name="key"/>.</summary>
    public bool RecordCall(MonitorStorage m, ulong contract, Felt selector, UInt128 key, long blockNumber, ulong timestamp)
    {
        if (!IsSampled(key, floor))
        {
            return false;
        }
        Read(); // PerfMon_state
        var rate = m.SampleRate;
        if (!IsSampled(key, rate))
        {
            return false;
        }
        if (m.BlockNumber == (ulong)blockNumber)
        {
            m.CallsInBlock = SaturatingAdd(m.CallsInBlock, rate).Value;
        }
        else
        {
            m.BlockNumber = (ulong)blockNumber;
            m.BlockTimestamp = timestamp;
            m.CallsInBlock = rate;
        }
        Write(); // PerfMon_state
        var hourCount = BumpCallBucket(m, contract, selector, timestamp, rate);
        Emit(EventKind.CallSampled, contract, [b.Code(selector)], [rate, hourCount, (ulong)blockNumber, timestamp]);
        return true;
    }

    /// <summary>record_job_assigned: sampled on the job id, so the same job is seen again when it finishes.</summary>
    public bool RecordJobAssigned(MonitorStorage m, ulong contract, Felt selector, long jobId, Felt worker, ulong timestamp)
    {
        var rate = JobRate(m, jobId);
        if (rate == 0)
        {
            return false;
        }
        m.JobStarted[jobId] = timestamp;
        Write();
        Read();
        var stats = m.Workers.GetValueOrDefault(worker);
        var (assigned, saturated) = SaturatingAdd(stats.Assigned, rate);
        stats = stats with { Assigned = assigned, LastSeen = timestamp };
        if (saturated)
        {
            Report(contract, "STATS_SATURATED", worker);
        }
        m.Workers[worker] = stats;
        Write();
        BumpCallBucket(m, contract, selector, timestamp, rate);
        Emit(EventKind.JobSampled, contract, [(ulong)jobId, 0, b.Code(worker)], [StageAssigned, 0, rate]);
        return true;
    }

    /// <summary>record_job_finished: completed (success) or failed, with the duration since a sampled assignment.</summary>
    public bool RecordJobFinished(MonitorStorage m, ulong contract, Felt selector, long jobId, Felt worker, bool success, ulong timestamp)
    {
        var rate = JobRate(m, jobId);
        if (rate == 0)
        {
            return false;
        }
        Read();
        var started = m.JobStarted.GetValueOrDefault(jobId);
        // 0: the assignment was not recorded (the rate changed in between): the outcome counts, the duration is unknown.
        var duration = started == 0 || timestamp < started ? 0 : timestamp - started;
        Read();
        var stats = m.Workers.GetValueOrDefault(worker);
        bool saturated;
        if (success)
        {
            (var completed, saturated) = SaturatingAdd(stats.Completed, rate);
            stats = stats with { Completed = completed };
        }
        else
        {
            (var failed, saturated) = SaturatingAdd(stats.Failed, rate);
            stats = stats with { Failed = failed };
        }
        var scaled = (UInt128)duration * rate + stats.TotalDuration;
        var totalSaturated = scaled > ulong.MaxValue;
        stats = stats with { TotalDuration = totalSaturated ? ulong.MaxValue : (ulong)scaled, LastSeen = timestamp };
        if (saturated || totalSaturated)
        {
            Report(contract, "STATS_SATURATED", worker);
        }
        m.Workers[worker] = stats;
        Write();
        BumpCallBucket(m, contract, selector, timestamp, rate);
        Emit(EventKind.JobSampled, contract, [(ulong)jobId, 0, b.Code(worker)], [success ? StageCompleted : StageFailed, duration, rate]);
        return true;
    }

    /// <summary>flush_calls: pushes one hourly bucket to the registry; a registry that reverts becomes FLUSH_FAILED.
    /// The registry's CallSamplePushed comes first: it is emitted inside the inner call.</summary>
    public void FlushCalls(MonitorStorage m, ulong contract, ulong registry, Felt selector, ulong hour, ulong timestamp, bool registryPaused)
    {
        if (!m.HasRegistry)
        {
            Report(contract, "NO_REGISTRY", selector);
            return;
        }
        var nowHour = timestamp / SecondsPerHour;
        if (hour > nowHour || nowHour - hour >= RingHours)
        {
            Report(contract, "HOUR_EVICTED", selector);
            return;
        }
        var count = m.CallCount(selector, hour);
        if (registryPaused)
        {
            Report(contract, "FLUSH_FAILED", selector);
            return;
        }
        Emit(EventKind.CallSamplePushed, registry, [contract, b.Code(selector)], [hour, count]);
        Emit(EventKind.CallsFlushed, contract, [b.Code(selector)], [hour, count, registry]);
    }

    private uint JobRate(MonitorStorage m, long jobId)
    {
        if (!IsSampled((UInt128)jobId, floor))
        {
            return 0;
        }
        Read();
        return IsSampled((UInt128)jobId, m.SampleRate) ? m.SampleRate : 0;
    }

    private uint BumpCallBucket(MonitorStorage m, ulong contract, Felt selector, ulong timestamp, uint amount)
    {
        var hour = timestamp / SecondsPerHour;
        var group = hour / HoursPerSlot;
        if (group > U32Max)
        {
            Report(contract, "TIME_RANGE", selector);
            return 0;
        }
        var key = (selector, group % RingSlots);
        Read();
        var bucket = m.Calls.GetValueOrDefault(key);
        // Ring wrap-around: a slot still holding an older group is recycled, never grown.
        if (bucket.Group != (uint)group)
        {
            bucket = new CallBucketGroup((uint)group, 0, 0, 0, 0, 0, 0);
        }
        var index = hour % HoursPerSlot;
        var (count, saturated) = SaturatingAdd(bucket.Get(index), amount);
        if (saturated)
        {
            Report(contract, "BUCKET_SATURATED", selector);
        }
        m.Calls[key] = bucket.Set(index, count);
        Write();
        return count;
    }

    private void Report(ulong contract, string code, Felt context) =>
        Emit(EventKind.MonitorError, contract, [b.Code(Felt.FromShortString(code))], [b.Code(context)]);

    private void Emit(EventKind kind, ulong from, ReadOnlySpan<ulong> keys, ReadOnlySpan<ulong> data)
    {
        b.Emit(kind, from, keys, data);
        var keyFelts = (ulong)(keys.Length + CiroCatalog.EventKeyPaths[(int)kind].Length);
        b.AddMonitorGas(keyFelts * EventKeyFeltGas + (ulong)data.Length * EventDataFeltGas);
    }

    private void Read() => b.AddMonitorGas(StorageReadGas);

    private void Write()
    {
        b.AddMonitorGas(StorageWriteGas);
        b.AddStorageWrites(1);
    }

    private static (uint Value, bool Saturated) SaturatingAdd(uint a, uint b)
    {
        var sum = (ulong)a + b;
        return sum > U32Max ? (U32Max, true) : ((uint)sum, false);
    }
}
