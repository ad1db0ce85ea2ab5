using Ciro.Alerts.Rules;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>
/// A chain that keeps arriving, answered in memory as the analytics API answers its raw reads (whole seconds,
/// [from, to), newest first; a job listed by its first JobSubmitted in the range with the first of each lifecycle event
/// from the range's start on, the worker the greatest assigned one). Blocks are committed in order: only blocks up to
/// <see cref="Head"/> and their rows are visible, as an indexer behind the chain shows them.
/// Block n is at <see cref="Genesis"/> + ⌊n × block seconds⌋; job <c>j{n}</c> is submitted in block n, allocated in
/// n+1, assigned in n+2 to one of five workers and completed 1–3 blocks later (a submit_job_result call), except every
/// 14th, which fails (a reverted submit_job_result, then nothing: JobManager emits no failure event). Optionally one
/// job completes 320 blocks after its submission, and the id <c>dup</c> is submitted twice (two completed lives).
/// </summary>
public sealed class LiveChain : IRuleData
{
    public static readonly DateTimeOffset Genesis = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    public static readonly string[] Workers = ["0x1a", "0x2b", "0x3c", "0x4d", "0x5e"];
    public const string JobManager = "0x7777";

    private sealed record JobEvent(string JobId, string Name, long Block, string? Worker);

    private readonly double _blockSeconds;
    private readonly List<BlockSample> _blocks = [];
    private readonly List<GasCall> _calls = [];
    private readonly List<JobEvent> _events = [];
    private int _salt;

    public LiveChain(double blockSeconds, long blocks, long? slowJob = null, (long First, long Second)? dup = null)
    {
        _blockSeconds = blockSeconds;
        Count = blocks;
        Generate(0, slowJob, dup);
    }

    public long Count { get; }

    /// <summary>The newest committed (visible) block.</summary>
    public long Head { get; private set; }

    public DateTimeOffset HeadTime => TimeOf(Head);

    public DateTimeOffset TimeOf(long block) => Genesis.AddSeconds(Math.Floor(block * _blockSeconds));

    /// <summary>Commits every block whose exact (unfloored) time is at or before <paramref name="t"/>.</summary>
    public void ShowUpTo(DateTimeOffset t) => Head = Math.Min(Count - 1, (long)Math.Floor((t - Genesis).TotalSeconds / _blockSeconds));

    /// <summary>A reorg: blocks from <paramref name="fromBlock"/> on are replaced by others (other gas, other job timings).</summary>
    public void Reorganise(long fromBlock)
    {
        _salt++;
        _blocks.RemoveAll(b => b.BlockNumber >= fromBlock);
        _calls.RemoveAll(c => c.BlockNumber >= fromBlock);
        _events.RemoveAll(e => e.Block >= fromBlock);
        Generate(fromBlock, null, null);
    }

    private void Generate(long from, long? slowJob, (long First, long Second)? dup)
    {
        void Call(long block, string worker, bool ok, long gas) =>
            _calls.Add(new GasCall(block, TimeOf(block), worker, JobManager, "submit_job_result", ok ? "SUCCEEDED" : "REVERTED", gas,
                (gas * 3).ToString(System.Globalization.CultureInfo.InvariantCulture), "FRI"));
        for (var n = from; n < Count; n++)
        {
            var gas = 1_000_000 + (n * 7 + _salt * 13) % 23 * 50_000;
            _blocks.Add(new BlockSample(n, TimeOf(n), n == 0 ? null : (TimeOf(n) - TimeOf(n - 1)).TotalSeconds, 10 + (int)((n + _salt) % 17), gas,
                Math.Round(gas / 2_500_000.0, 6), (1000 + n % 11).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            // Another function in the same blocks: never read by the shipped rules' call reads.
            _calls.Add(new GasCall(n, TimeOf(n), "0x99", "0x8888", "transfer", "SUCCEEDED", 50_000, "150000", "FRI"));
            var id = $"j{n}";
            var worker = Workers[(n + _salt) % Workers.Length];
            _events.Add(new JobEvent(id, "JobSubmitted", n, null));
            _events.Add(new JobEvent(id, "JobAllocated", n + 1, null));
            _events.Add(new JobEvent(id, "JobAssigned", n + 2, worker));
            if (n % 14 == 0)
            {
                Call(n + 3, worker, ok: false, 900_000);
            }
            else
            {
                var done = n == slowJob ? n + 320 : n + 3 + (n + _salt) % 3;
                _events.Add(new JobEvent(id, "JobCompleted", done, null));
                Call(done, worker, ok: true, 2_000_000 + (n % 5) * 100_000 + _salt * 10_000);
            }
        }
        if (dup is { } d)
        {
            foreach (var (at, worker) in new[] { (d.First, Workers[1]), (d.Second, Workers[3]) })
            {
                _events.Add(new JobEvent("dup", "JobSubmitted", at, null));
                _events.Add(new JobEvent("dup", "JobAllocated", at + 1, null));
                _events.Add(new JobEvent("dup", "JobAssigned", at + 2, worker));
                _events.Add(new JobEvent("dup", "JobCompleted", at + 4, null));
            }
        }
        _calls.Sort((a, b) => a.BlockNumber.CompareTo(b.BlockNumber)); // list order within a block stays the transactions' order
    }

    private static DateTimeOffset Second(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());

    public Task<IReadOnlyList<BlockSample>> GetBlocksAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var (f, t) = (Second(from), Second(to));
        return Task.FromResult<IReadOnlyList<BlockSample>>(
            [.. _blocks.Where(b => b.BlockNumber <= Head && b.BlockTime >= f && b.BlockTime < t).OrderByDescending(b => b.BlockNumber)]);
    }

    public Task<IReadOnlyList<GasCall>> GetGasCallsAsync(DateTimeOffset from, DateTimeOffset to, string? contract, string? function, CancellationToken ct)
    {
        var (f, t) = (Second(from), Second(to));
        return Task.FromResult<IReadOnlyList<GasCall>>([.. _calls
            .Where(c => c.BlockNumber <= Head && c.BlockTime >= f && c.BlockTime < t && (contract is null || c.Contract == contract) && (function is null || c.Function == function))
            .OrderByDescending(c => c.BlockTime).ThenByDescending(c => c.BlockNumber)]);
    }

    public Task<IReadOnlyList<JobSample>> GetJobsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var (f, t) = (Second(from), Second(to));
        var visible = _events.Where(e => e.Block <= Head && TimeOf(e.Block) >= f).ToList();
        var listed = visible.Where(e => e.Name == "JobSubmitted" && TimeOf(e.Block) < t).Select(e => e.JobId).ToHashSet();
        DateTimeOffset? First(IEnumerable<JobEvent> events, string name) =>
            events.Where(e => e.Name == name).Select(e => (DateTimeOffset?)TimeOf(e.Block)).Min();
        var jobs = visible.Where(e => listed.Contains(e.JobId)).GroupBy(e => e.JobId).Select(g => new JobSample(g.Key,
            g.Where(e => e.Name == "JobAssigned").Select(e => e.Worker).Max(StringComparer.Ordinal),
            First(g, "JobSubmitted"), First(g, "JobAllocated"), First(g, "JobAssigned"), First(g, "JobCompleted")));
        return Task.FromResult<IReadOnlyList<JobSample>>([.. jobs.OrderByDescending(j => j.SubmittedAt).ThenBy(j => j.JobId, StringComparer.Ordinal)]);
    }

    public Task<IReadOnlyList<AnomalySample>> GetAnomaliesAsync(DateTimeOffset from, DateTimeOffset to, string metric, string? contract, string? function,
        CancellationToken ct) => Task.FromResult<IReadOnlyList<AnomalySample>>([]);
}
