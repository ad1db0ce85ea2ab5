using System.Buffers.Binary;

namespace Ciro.Analytics.Sketches;

/// <summary>
/// DDSketch (Masson, Rim, Lee, VLDB 2019) for non-negative values: every quantile it returns is within a
/// relative error <see cref="RelativeAccuracy"/> of the true order statistic, and two sketches merge exactly
/// (bin counts add), which is why rollups store these instead of percentiles. Value x &gt; 0 goes to bin
/// ceil(log_γ x) with γ = (1+α)/(1−α); zeros (a free call, a same-second stage) are counted apart.
/// Quantiles use the nearest-rank rule: the smallest value with at least q of the samples at or below it,
/// the same rule as PostgreSQL's percentile_disc, so raw and rolled-up answers agree within α.
/// </summary>
public sealed class DDSketch
{
    public const double RelativeAccuracy = 0.01;
    private const byte FormatVersion = 1;
    private static readonly double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double LogGamma = Math.Log(Gamma);

    private readonly SortedDictionary<int, long> _bins = new();

    public long Count { get; private set; }
    public long ZeroCount { get; private set; }
    public double Min { get; private set; } = double.NaN;
    public double Max { get; private set; } = double.NaN;

    public void Add(double value, long count = 1)
    {
        if (double.IsNaN(value) || value < 0 || count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "DDSketch takes non-negative values and positive counts");
        }
        if (value == 0)
        {
            ZeroCount += count;
        }
        else
        {
            var index = (int)Math.Ceiling(Math.Log(value) / LogGamma);
            _bins[index] = _bins.GetValueOrDefault(index) + count;
        }
        Count += count;
        Min = Count == count ? value : Math.Min(Min, value);
        Max = Count == count ? value : Math.Max(Max, value);
    }

    public void Merge(DDSketch other)
    {
        if (other.Count == 0)
        {
            return;
        }
        foreach (var (index, count) in other._bins)
        {
            _bins[index] = _bins.GetValueOrDefault(index) + count;
        }
        ZeroCount += other.ZeroCount;
        Min = Count == 0 ? other.Min : Math.Min(Min, other.Min);
        Max = Count == 0 ? other.Max : Math.Max(Max, other.Max);
        Count += other.Count;
    }

    /// <summary>Nearest-rank quantile, q in [0, 1]; null when empty. Clamped to the exact min and max.</summary>
    public double? Quantile(double q)
    {
        if (Count == 0)
        {
            return null;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1.0);
        // Rank (0-based) of the nearest-rank order statistic: ceil(q·n) − 1, at least 0.
        var rank = Math.Max(0, (long)Math.Ceiling(q * Count) - 1);
        if (rank < ZeroCount)
        {
            return 0;
        }
        var seen = ZeroCount;
        foreach (var (index, count) in _bins)
        {
            seen += count;
            if (seen > rank)
            {
                // Bin (γ^(i−1), γ^i]: its midpoint in relative terms, 2γ^i/(γ+1), is within α of any value in it.
                var estimate = 2 * Math.Pow(Gamma, index) / (Gamma + 1);
                return Math.Clamp(estimate, Min, Max);
            }
        }
        return Max;
    }

    /// <summary>Layout: version, count of zeros, min, max, bin count, then (index delta, count) pairs as
    /// zig-zag varints. Bins are few (values spanning 10^k need about 115·k bins at α = 1%).</summary>
    public byte[] Serialize()
    {
        using var stream = new MemoryStream(32 + _bins.Count * 3);
        stream.WriteByte(FormatVersion);
        WriteVarint(stream, (ulong)ZeroCount);
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(buffer, Count == 0 ? 0 : Min);
        stream.Write(buffer);
        BinaryPrimitives.WriteDoubleLittleEndian(buffer, Count == 0 ? 0 : Max);
        stream.Write(buffer);
        WriteVarint(stream, (ulong)_bins.Count);
        var previous = 0;
        foreach (var (index, count) in _bins)
        {
            WriteVarint(stream, ZigZag(index - previous));
            WriteVarint(stream, (ulong)count);
            previous = index;
        }
        return stream.ToArray();
    }

    public static DDSketch Deserialize(ReadOnlySpan<byte> bytes)
    {
        var sketch = new DDSketch();
        if (bytes.Length == 0)
        {
            return sketch;
        }
        if (bytes[0] != FormatVersion)
        {
            throw new FormatException($"unknown DDSketch format version {bytes[0]}");
        }
        var position = 1;
        sketch.ZeroCount = (long)ReadVarint(bytes, ref position);
        var min = BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(position, 8));
        var max = BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(position + 8, 8));
        position += 16;
        var binCount = (int)ReadVarint(bytes, ref position);
        var index = 0;
        long total = sketch.ZeroCount;
        for (var i = 0; i < binCount; i++)
        {
            index += UnZigZag(ReadVarint(bytes, ref position));
            var count = (long)ReadVarint(bytes, ref position);
            sketch._bins[index] = count;
            total += count;
        }
        sketch.Count = total;
        if (total > 0)
        {
            sketch.Min = min;
            sketch.Max = max;
        }
        return sketch;
    }

    /// <summary>
    /// Quantiles straight from a serialized sketch, without building one: the same answers as
    /// Deserialize(bytes).Quantile(q) for each q (a test holds them equal), but no dictionary and no per-bin
    /// allocation, which is what a year of daily rows (one sketch each) spends its time on otherwise.
    /// <paramref name="qs"/> must be ascending, so one walk over the bins answers them all.
    /// </summary>
    public static void Quantiles(ReadOnlySpan<byte> bytes, ReadOnlySpan<double> qs, Span<double?> results)
    {
        results.Clear();
        if (bytes.Length == 0)
        {
            return;
        }
        if (bytes[0] != FormatVersion)
        {
            throw new FormatException($"unknown DDSketch format version {bytes[0]}");
        }
        var position = 1;
        var zeros = (long)ReadVarint(bytes, ref position);
        var min = BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(position, 8));
        var max = BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(position + 8, 8));
        position += 16;
        var binCount = (int)ReadVarint(bytes, ref position);
        var binsStart = position;
        // First pass: the total count (the layout does not store it; ranks need it).
        var total = zeros;
        for (var i = 0; i < binCount; i++)
        {
            ReadVarint(bytes, ref position);
            total += (long)ReadVarint(bytes, ref position);
        }
        if (total == 0)
        {
            return;
        }
        position = binsStart;
        var index = 0;
        var seen = zeros;
        var bin = 0;
        for (var k = 0; k < qs.Length; k++)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(qs[k], 0.0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(qs[k], 1.0);
            var rank = Math.Max(0, (long)Math.Ceiling(qs[k] * total) - 1);
            if (rank < zeros)
            {
                results[k] = 0;
                continue;
            }
            // Advance to the bin holding this rank; later (larger) quantiles continue from here.
            while (seen <= rank && bin < binCount)
            {
                index += UnZigZag(ReadVarint(bytes, ref position));
                seen += (long)ReadVarint(bytes, ref position);
                bin++;
            }
            results[k] = seen > rank ? Math.Clamp(2 * Math.Pow(Gamma, index) / (Gamma + 1), min, max) : max;
        }
    }

    public static DDSketch Of(IEnumerable<double> values)
    {
        var sketch = new DDSketch();
        foreach (var value in values)
        {
            sketch.Add(value);
        }
        return sketch;
    }

    private static ulong ZigZag(int value) => (ulong)((value << 1) ^ (value >> 31)) & 0xFFFFFFFF;

    private static int UnZigZag(ulong value) => (int)((uint)value >> 1) ^ -(int)((uint)value & 1);

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            var b = bytes[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
            shift += 7;
            if (shift > 63)
            {
                throw new FormatException("varint too long");
            }
        }
    }
}
