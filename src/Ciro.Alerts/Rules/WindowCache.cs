using Microsoft.Extensions.Options;

namespace Ciro.Alerts.Rules;

/// <summary>How the window cache treats one kind of row: its time (the API's range selects on it), the earliest time a
/// kept row must be read again from (<paramref name="Unsettled"/>: given the kept rows and the earliest time that still
/// counts, null when none must), and why a merge would not be the API's answer (<paramref name="MergeProblem"/>: given
/// the kept rows older than the re-read, those of them in the window, the fresh rows and the window's start; null when
/// it would be).</summary>
public sealed record WindowKind<T>(
    string Name,
    Func<T, DateTimeOffset?> Time,
    Func<IReadOnlyList<T>, DateTimeOffset, DateTimeOffset?>? Unsettled = null,
    Func<IReadOnlyList<T>, IReadOnlyList<T>, IReadOnlyList<T>, DateTimeOffset, string?>? MergeProblem = null);

/// <summary>What one pass read from the API and took from the previous pass, in rows per kind.</summary>
public sealed class PassCounts
{
    public Dictionary<string, long> RowsRead { get; } = [];
    public Dictionary<string, long> RowsReused { get; } = [];

    public void Read(string kind, long rows) => RowsRead[kind] = RowsRead.GetValueOrDefault(kind) + rows;
    public void Reused(string kind, long rows) => RowsReused[kind] = RowsReused.GetValueOrDefault(kind) + rows;

    public override string ToString() =>
        string.Join(", ", RowsRead.Keys.Union(RowsReused.Keys).Order(StringComparer.Ordinal)
            .Select(k => $"{k} {RowsRead.GetValueOrDefault(k)} read, {RowsReused.GetValueOrDefault(k)} reused"));
}

/// <summary>
/// The rows the previous live pass read, per kind of data (blocks, jobs, one function's calls), so that the next pass
/// reads from the API only what may have changed. At Starknet's peak rate every pass read 35–50 minutes of calls and
/// jobs again every 5 s (60-minute soak: pass p95 0.8 s → 29 s by minute 12, PostgreSQL loaded until the indexer fell
/// behind).
/// <para>An entry is the API's answer for [from, to) of the last pass, and its <em>settled</em> time: the newest
/// indexed block's time read before that pass, or its <c>to</c> if earlier. The indexer commits blocks in order with
/// their transactions and events, so every row older than the newest block is stored; rows after it may still come
/// (an indexer behind the chain). A pass at [from′, to′) reads [start, to′) only, start = settled −
/// <see cref="WindowCacheOptions.Overlap"/> (a reorg shallower than it is re-read even if its message is lost), earlier
/// for a job that has not completed (<see cref="WindowCacheOptions.UnfinishedJobHorizon"/>), never before from′; and
/// answers the fresh rows followed by the kept rows in [from′, start): newest first, as the API lists them. Rows
/// before from′ are dropped, so an entry holds one window.</para>
/// <para>The whole window is read instead when there is nothing kept, the kept read ends before from′ (a gap) or starts
/// after it (a longer window), the clock went back, or a job merge would differ from the API's answer (a job id
/// submitted again: see <see cref="Jobs"/>). Everything is dropped on a <c>Reorg</c> or <c>Resync</c> message, a failed
/// read, and whenever the LISTEN connection that hears of reorgs (<see cref="BlocksCommittedTrigger"/>) is not up:
/// without it the cache is off.</para>
/// </summary>
public sealed class WindowCache(IOptions<AlertsOptions> options, RuleMetrics metrics, ILogger<WindowCache> logger)
{
    private sealed record Entry(DateTimeOffset From, DateTimeOffset Settled, object Rows);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = [];
    private long _generation;
    private bool _listening;

    public static readonly WindowKind<BlockSample> Blocks = new("blocks", b => b.BlockTime);

    public static readonly WindowKind<GasCall> Calls = new("calls", c => c.BlockTime);

    /// <summary>
    /// Jobs are listed by their first JobSubmitted in the range, with the first of each lifecycle event from the
    /// range's start on; a job listed by an earlier pass may have been assigned or completed since. A kept job without
    /// a completion is therefore read again, from its submission, while it was submitted within the unfinished-job
    /// horizon of the last settled time. The merge is the API's answer when each job id is submitted once; an id that
    /// comes back in the fresh read while a kept row (in the window or just before it) holds it, or a kept row with an
    /// event before the window's start (an earlier life of its id), makes the pass read the whole window. Not seen: an id
    /// whose earlier submission is before the window and whose next one is between the window's start and the re-read
    /// (the API lists it by that next one; the kept row was dropped) — the same exception as <see cref="PassReads"/>'s
    /// slices, and CIRO's JobManager numbers jobs.
    /// </summary>
    public static readonly WindowKind<JobSample> Jobs = new("jobs", j => j.SubmittedAt,
        Unsettled: (rows, since) => rows.Where(j => j.CompletedAt is null && j.SubmittedAt >= since).Min(j => j.SubmittedAt),
        MergeProblem: (older, kept, fresh, from) =>
        {
            var olderIds = older.Select(j => j.JobId).ToHashSet(StringComparer.Ordinal);
            if (fresh.FirstOrDefault(j => olderIds.Contains(j.JobId)) is { } again)
            {
                return $"job {again.JobId} submitted again";
            }
            return kept.FirstOrDefault(j => j.AllocatedAt < from || j.AssignedAt < from || j.CompletedAt < from) is { } early
                ? $"job {early.JobId} has an event before the window"
                : null;
        });

    private WindowCacheOptions Options => options.Value.WindowCache;

    /// <summary>Rows are kept: the cache is enabled and reorgs are heard of.</summary>
    public bool Active
    {
        get
        {
            lock (_lock)
            {
                return _listening && Options.Enabled;
            }
        }
    }

    /// <summary>The keys (<c>blocks</c>, <c>jobs</c>, <c>calls|contract|function</c>) with rows kept.</summary>
    public IReadOnlyList<string> Kept
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The reorg channels are listened to (again): rows may be kept from now on. Drops what is kept, as a
    /// reorg may have gone unheard while not listening.</summary>
    public void ListeningStarted() => Drop("listening", "listening for reorgs (again)", listening: true);

    /// <summary>Reorgs would go unheard: drops what is kept and keeps nothing until listening again.</summary>
    public void ListeningStopped(string why) => Drop("not-listening", why, listening: false);

    /// <summary>Drops every kept row: the next pass reads whole windows. <paramref name="reason"/> is the metric's tag.</summary>
    public void Clear(string reason, string detail) => Drop(reason, detail, listening: null);

    private void Drop(string reason, string detail, bool? listening)
    {
        int kinds;
        lock (_lock)
        {
            kinds = _entries.Count;
            _entries.Clear();
            _generation++; // a read under way when this happens is not kept
            _listening = listening ?? _listening;
        }
        metrics.WindowCacheClears.Add(1, new KeyValuePair<string, object?>("reason", reason));
        if (kinds > 0 || reason is "reorg" or "resync")
        {
            logger.LogInformation("Window cache cleared ({Reason}: {Detail}): {Kinds} kinds of rows dropped, the next pass reads whole windows",
                reason, detail, kinds);
        }
        else
        {
            logger.LogDebug("Window cache cleared ({Reason}: {Detail}), nothing was kept", reason, detail);
        }
    }

    /// <summary>The API's answer for [<paramref name="from"/>, <paramref name="to"/>) in whole seconds, reading only
    /// what the kept read of <paramref name="key"/> does not settle. <paramref name="final"/>: the newest indexed
    /// block's time, read before this pass's reads. <paramref name="read"/> reads [its argument, to).</summary>
    public async Task<IReadOnlyList<T>> ReadAsync<T>(WindowKind<T> kind, string key, DateTimeOffset from, DateTimeOffset to, DateTimeOffset final,
        Func<DateTimeOffset, Task<IReadOnlyList<T>>> read, PassCounts counts)
    {
        var f = Second(from);
        var t = Second(to);
        var settled = final < t ? Second(final) : t;
        Entry? entry;
        long generation;
        bool active;
        lock (_lock)
        {
            generation = _generation;
            active = _listening && Options.Enabled;
            entry = active ? _entries.GetValueOrDefault(key) : null;
        }
        var whole = !active ? "off" : entry is null ? "empty" : entry.Settled < f ? "gap" : entry.From > f ? "earlier" : entry.Settled > t ? "clock" : null;
        IReadOnlyList<T> rows = [];
        if (whole is null)
        {
            var kept = (IReadOnlyList<T>)entry!.Rows;
            var start = entry.Settled - Options.Overlap;
            if (kind.Unsettled?.Invoke(kept, entry.Settled - Options.UnfinishedJobHorizon) is { } unsettled && unsettled < start)
            {
                start = unsettled;
            }
            start = start < f ? f : Second(start);
            var fresh = await FetchAsync(kind, read, start, counts);
            whole = kind.MergeProblem is { } problem ? MergeProblem(kind, problem, kept, fresh, f, start) : null;
            if (whole is null)
            {
                var reused = Merge(kind, kept, fresh, f, start, out var merged);
                rows = merged;
                counts.Reused(kind.Name, reused);
                metrics.WindowRowsReused.Add(reused, new KeyValuePair<string, object?>("kind", kind.Name));
            }
            else
            {
                logger.LogDebug("Window cache: {Key} read whole: {Why}", key, whole);
                whole = "job-merge";
            }
        }
        if (whole is not null)
        {
            metrics.WindowWholeReads.Add(1, new KeyValuePair<string, object?>("kind", kind.Name), new KeyValuePair<string, object?>("reason", whole));
            rows = await FetchAsync(kind, read, f, counts);
        }
        if (active)
        {
            lock (_lock)
            {
                if (generation == _generation && _listening && Options.Enabled)
                {
                    _entries[key] = new Entry(f, settled, rows);
                }
            }
        }
        return rows;
    }

    /// <summary>The fresh rows followed by the kept rows in [from, start), in one array of exactly that length. A
    /// window at peak rate holds a million calls; building it through growing lists left several large-object-heap
    /// arrays behind every pass, and the service's RSS kept rising while its live heap did not (soak, issue 17).</summary>
    private static int Merge<T>(WindowKind<T> kind, IReadOnlyList<T> kept, IReadOnlyList<T> fresh, DateTimeOffset from, DateTimeOffset start,
        out T[] merged)
    {
        bool Reused(T row) => kind.Time(row) is { } time && time < start && time >= from;
        var reused = 0;
        foreach (var row in kept)
        {
            if (Reused(row))
            {
                reused++;
            }
        }
        merged = new T[fresh.Count + reused];
        var i = 0;
        foreach (var row in fresh)
        {
            merged[i++] = row;
        }
        foreach (var row in kept)
        {
            if (Reused(row))
            {
                merged[i++] = row;
            }
        }
        return reused;
    }

    private static string? MergeProblem<T>(WindowKind<T> kind, Func<IReadOnlyList<T>, IReadOnlyList<T>, IReadOnlyList<T>, DateTimeOffset, string?> problem,
        IReadOnlyList<T> kept, IReadOnlyList<T> fresh, DateTimeOffset from, DateTimeOffset start)
    {
        var older = kept.Where(r => kind.Time(r) < start).ToList();
        var inWindow = older.Where(r => kind.Time(r) >= from).ToList();
        return problem(older, inWindow, fresh, from);
    }

    private async Task<IReadOnlyList<T>> FetchAsync<T>(WindowKind<T> kind, Func<DateTimeOffset, Task<IReadOnlyList<T>>> read, DateTimeOffset start,
        PassCounts counts)
    {
        IReadOnlyList<T> rows;
        try
        {
            rows = await read(start);
        }
        catch (Exception ex)
        {
            // Pages are read one by one: what was kept may no longer join with what the API now holds.
            Clear("failed-read", $"{kind.Name} from {start:O}: {ex.GetType().Name}");
            throw;
        }
        counts.Read(kind.Name, rows.Count);
        metrics.WindowRowsRead.Add(rows.Count, new KeyValuePair<string, object?>("kind", kind.Name));
        return rows;
    }

    /// <summary>The API's view of a time: whole Unix seconds.</summary>
    public static DateTimeOffset Second(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());
}
