namespace Ciro.Alerts.Rules;

/// <summary>
/// The reads of one evaluation pass, shared by its rules. Every rule of a pass reads up to the same <c>at</c>, so each
/// kind of data — blocks, jobs, one function's calls — is read from the analytics API once, over the longest range
/// any rule of the pass asks for (<see cref="Plan"/>), and each rule's range is sliced from it the way the API would
/// have answered it: whole seconds (the API takes Unix seconds), [from, to). The shipped rules read jobs three times a
/// pass (50, 25 and 15 minutes) and submit_job_result calls twice; at Starknet's peak rate that was most of a pass
/// (bench/run soak: 16.9 s p95 a pass). The slices are the API's answers: blocks and calls are rows of their own time;
/// a job is listed by its first JobSubmitted in the range with its lifecycle events from the range's start on, which a
/// longer range changes only for a job id submitted twice across the slice's start (CIRO's JobManager numbers jobs).
/// A read the plan does not cover (another <c>to</c>, an earlier <c>from</c>) and anomaly scores go to the API as
/// they are. A failed read is not kept: the next rule that needs it asks again, as it would alone.
/// <para>With a <see cref="WindowCache"/> (the live evaluator's), each planned read extends the previous pass's read
/// of the same kind instead of reading the whole range; <paramref name="final"/> is the newest indexed block's time,
/// read before the pass.</para>
/// </summary>
public sealed class PassReads(IRuleData api, DateTimeOffset at, IReadOnlyDictionary<string, DateTimeOffset> earliest,
    WindowCache? cache = null, DateTimeOffset final = default) : IRuleData
{
    private const string Blocks = "blocks";
    private const string Jobs = "jobs";
    private readonly Dictionary<string, (DateTimeOffset From, object Rows)> _read = [];

    /// <summary>A pass over <paramref name="rules"/> at <paramref name="at"/>, reading the whole planned ranges.</summary>
    public static PassReads For(IRuleData api, IEnumerable<AlertRule> rules, DateTimeOffset at) => new(api, at, Plan(rules, at));

    /// <summary>A pass over <paramref name="rules"/> at <paramref name="at"/> that extends the previous pass's reads kept
    /// in <paramref name="cache"/>; <paramref name="final"/>: the newest indexed block's time, read before this pass.</summary>
    public static PassReads For(IRuleData api, IEnumerable<AlertRule> rules, DateTimeOffset at, WindowCache cache, DateTimeOffset final) =>
        new(api, at, Plan(rules, at), cache, final);

    /// <summary>Rows this pass read from the API and took from the previous pass, per kind.</summary>
    public PassCounts Counts { get; } = new();

    /// <summary>Per kind of data, the earliest time any of the rules reads from at <paramref name="at"/>: the ranges
    /// <see cref="RuleConditions"/> asks for.</summary>
    public static IReadOnlyDictionary<string, DateTimeOffset> Plan(IEnumerable<AlertRule> rules, DateTimeOffset at)
    {
        var earliest = new Dictionary<string, DateTimeOffset>();
        void Reads(string key, DateTimeOffset from) => earliest[key] = earliest.TryGetValue(key, out var e) && e < from ? e : from;
        foreach (var rule in rules)
        {
            var start = at - rule.Window;
            var baselineStart = start - (rule.Baseline ?? TimeSpan.Zero);
            switch (rule.Kind)
            {
                case RuleKind.GasSpike:
                    Reads(Calls(rule.Contract, rule.Function), baselineStart);
                    break;
                case RuleKind.SlowExecution when rule.Metric == "block-interval":
                case RuleKind.NetworkCongestion:
                    Reads(Blocks, baselineStart);
                    break;
                case RuleKind.SlowExecution:
                    Reads(Jobs, baselineStart - RuleConditions.JobLookback);
                    break;
                case RuleKind.WorkerDegradation:
                    Reads(Jobs, baselineStart - RuleConditions.JobLookback);
                    if (rule.Metric == "success-rate")
                    {
                        Reads(Calls(rule.Contract, RuleConditions.SubmitJobResult), baselineStart);
                    }
                    break;
            }
        }
        return earliest;
    }

    private static string Calls(string? contract, string? function) => $"calls|{contract}|{function}";

    /// <summary>The API's view of a time: whole Unix seconds.</summary>
    private static DateTimeOffset Second(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());

    private async Task<IReadOnlyList<T>?> SharedAsync<T>(WindowKind<T> kind, string key, DateTimeOffset from, DateTimeOffset to,
        Func<DateTimeOffset, Task<IReadOnlyList<T>>> read)
    {
        if (to != at || !earliest.TryGetValue(key, out var planned) || Second(from) < Second(planned))
        {
            return null;
        }
        if (!_read.TryGetValue(key, out var entry))
        {
            IReadOnlyList<T> rows;
            if (cache is null)
            {
                rows = await read(planned);
                Counts.Read(kind.Name, rows.Count);
            }
            else
            {
                rows = await cache.ReadAsync(kind, key, planned, at, final, read, Counts);
            }
            entry = _read[key] = (Second(planned), rows);
        }
        return (IReadOnlyList<T>)entry.Rows;
    }

    public async Task<IReadOnlyList<GasCall>> GetGasCallsAsync(DateTimeOffset from, DateTimeOffset to, string? contract, string? function, CancellationToken ct)
    {
        var all = await SharedAsync(WindowCache.Calls, Calls(contract, function), from, to, f => api.GetGasCallsAsync(f, to, contract, function, ct));
        return all is null ? await api.GetGasCallsAsync(from, to, contract, function, ct) : [.. all.Where(c => c.BlockTime >= Second(from))];
    }

    public async Task<IReadOnlyList<BlockSample>> GetBlocksAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var all = await SharedAsync(WindowCache.Blocks, Blocks, from, to, f => api.GetBlocksAsync(f, to, ct));
        return all is null ? await api.GetBlocksAsync(from, to, ct) : [.. all.Where(b => b.BlockTime >= Second(from))];
    }

    public async Task<IReadOnlyList<JobSample>> GetJobsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var all = await SharedAsync(WindowCache.Jobs, Jobs, from, to, f => api.GetJobsAsync(f, to, ct));
        return all is null ? await api.GetJobsAsync(from, to, ct) : [.. all.Where(j => j.SubmittedAt >= Second(from))];
    }

    public Task<IReadOnlyList<AnomalySample>> GetAnomaliesAsync(DateTimeOffset from, DateTimeOffset to, string metric, string? contract, string? function,
        CancellationToken ct) => api.GetAnomaliesAsync(from, to, metric, contract, function, ct);
}
