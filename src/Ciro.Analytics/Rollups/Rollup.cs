using Ciro.Starknet;
using Npgsql;

namespace Ciro.Analytics.Rollups;

/// <summary>
/// A rollup family: one table, one row record with named fields, and everything that must agree about it in
/// one file — the hour computation from raw rows, the merge (hour → day → week), and the column mapping
/// (<see cref="Columns"/>, <see cref="Read"/> and <see cref="WriteAsync"/> list the same columns in the same
/// order). <see cref="RollupStore"/> and <see cref="RollupReconciler"/> are written once against this.
/// </summary>
public interface IRollup<TSelf, TKey>
    where TSelf : class, IRollup<TSelf, TKey>
    where TKey : IEquatable<TKey>
{
    /// <summary>The table, e.g. <c>ciro.rollup_gas</c> (a compile-time constant, never input).</summary>
    static abstract string Table { get; }

    /// <summary>The key and value columns after (bucket, bucket_start), in the order Read and WriteAsync use.</summary>
    static abstract string Columns { get; }

    /// <summary>An empty row: zero counts and sums, empty sketches.</summary>
    static abstract TSelf Create(DateTimeOffset bucketStart, TKey key);

    /// <summary>A row from a reader whose column 0 is bucket_start and columns 1… are <see cref="Columns"/>,
    /// placed in <paramref name="bucketStart"/> (the bucket it is merged into).</summary>
    static abstract TSelf Read(NpgsqlDataReader reader, DateTimeOffset bucketStart);

    /// <summary>Adds the hour rows of the raw rows in <paramref name="scope"/> (whole hours, or the blocks being
    /// folded) to <paramref name="into"/>. Every query is bounded by block_time so partition pruning keeps it to
    /// the times asked for. A row's figures depend only on its own block's raw rows, except where a family says
    /// otherwise (block intervals, job stage times), which <see cref="RollupReconciler"/> checks before folding.</summary>
    static abstract Task ComputeAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, RawScope scope,
        RollupSet<TSelf, TKey> into, CancellationToken ct);

    DateTimeOffset BucketStart { get; }

    TKey Key { get; }

    /// <summary>Adds <paramref name="other"/> (same key) into this row: counts and sums add, maxes take the
    /// maximum, sketches merge, descriptive texts keep the first non-null.</summary>
    void MergeFrom(TSelf other);

    /// <summary>Writes <see cref="Columns"/> of this row (the importer has already written bucket and bucket_start).</summary>
    Task WriteAsync(NpgsqlBinaryImporter importer, CancellationToken ct);
}

/// <summary>Rows of one family being accumulated, by (bucket start, key).</summary>
public sealed class RollupSet<TRow, TKey>
    where TRow : class, IRollup<TRow, TKey>
    where TKey : IEquatable<TKey>
{
    private readonly Dictionary<(DateTimeOffset, TKey), TRow> _rows = new();

    public IEnumerable<TRow> Rows => _rows.Values;

    public int Count => _rows.Count;

    /// <summary>The row of (bucket, key), created empty on first use.</summary>
    public TRow Get(DateTimeOffset bucketStart, TKey key)
    {
        if (!_rows.TryGetValue((bucketStart, key), out var row))
        {
            row = TRow.Create(bucketStart, key);
            _rows[(bucketStart, key)] = row;
        }
        return row;
    }

    /// <summary>Takes <paramref name="row"/> as the row of its (bucket, key), or merges it into the row already there.</summary>
    public void Add(TRow row)
    {
        if (_rows.TryGetValue((row.BucketStart, row.Key), out var existing))
        {
            existing.MergeFrom(row);
        }
        else
        {
            _rows[(row.BucketStart, row.Key)] = row;
        }
    }
}

/// <summary>A family seen from the reconciler, which recomputes and re-merges every family alike.</summary>
public interface IRollupFamily
{
    string Table { get; }

    /// <summary>Replaces the hour rows of [start, end) with rows computed from the raw tables.</summary>
    Task RecomputeHoursAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset start, DateTimeOffset end, CancellationToken ct);

    /// <summary>Rebuilds the <paramref name="into"/> bucket starting at <paramref name="start"/> from its <paramref name="from"/> rows.</summary>
    Task RemergeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string from, string into, DateTimeOffset start, CancellationToken ct);

    /// <summary>Adds the rows of the blocks in <paramref name="scope"/> to the stored rows of their buckets of each
    /// size in <paramref name="buckets"/> (hour, and day and week unless the caller re-merges those).</summary>
    Task FoldAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RawScope scope, IReadOnlyList<string> buckets, CancellationToken ct);
}

public sealed class RollupFamily<TRow, TKey> : IRollupFamily
    where TRow : class, IRollup<TRow, TKey>
    where TKey : IEquatable<TKey>
{
    public string Table => TRow.Table;

    public async Task RecomputeHoursAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var rows = new RollupSet<TRow, TKey>();
        await TRow.ComputeAsync(connection, tx, new RawScope(start, end), rows, ct);
        await RollupStore.ReplaceAsync(connection, tx, Buckets.Hour, start, end, rows, ct);
    }

    /// <summary>Merging only adds (counts, sums, sketch bins; maxes take the larger), so stored rows plus the new
    /// blocks' rows equal the rows recomputed from all the blocks, byte for byte (tested).</summary>
    public async Task FoldAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RawScope scope, IReadOnlyList<string> buckets, CancellationToken ct)
    {
        var delta = new RollupSet<TRow, TKey>();
        await TRow.ComputeAsync(connection, tx, scope, delta, ct);
        if (delta.Count == 0)
        {
            return;
        }
        foreach (var bucket in buckets)
        {
            var starts = delta.Rows.Select(r => Buckets.Floor(r.BucketStart, bucket)).ToList();
            var (start, end) = (starts.Min(), starts.Max() + Buckets.Length(bucket));
            var rows = await RollupStore.LoadAsync<TRow, TKey>(connection, tx, bucket, start, end, s => s, ct);
            foreach (var row in delta.Rows)
            {
                rows.Get(Buckets.Floor(row.BucketStart, bucket), row.Key).MergeFrom(row);
            }
            await RollupStore.ReplaceAsync(connection, tx, bucket, start, end, rows, ct);
        }
    }

    public async Task RemergeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string from, string into, DateTimeOffset start, CancellationToken ct)
    {
        var end = start + Buckets.Length(into);
        var rows = await RollupStore.LoadAsync<TRow, TKey>(connection, tx, from, start, end, _ => start, ct);
        await RollupStore.ReplaceAsync(connection, tx, into, start, end, rows, ct);
    }
}

/// <summary>Every rollup family, in the order the reconciler processes them.</summary>
public static class RollupFamilies
{
    public static readonly IRollupFamily[] All =
    [
        new RollupFamily<GasRollup, GasKey>(),
        new RollupFamily<NetworkRollup, NetworkRollup.Whole>(),
        new RollupFamily<JobStageRollup, string>(),
        new RollupFamily<WorkerRollup, Felt>(),
    ];
}
