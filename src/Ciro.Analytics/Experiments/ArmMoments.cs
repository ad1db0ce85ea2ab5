namespace Ciro.Analytics.Experiments;

/// <summary>
/// Running moments of one arm: the metric Y of each unit (e.g. L2 gas of a call) and, for CUPED, the unit's
/// pre-period covariate X (0 when there is none). Welford's updates, so a million gas values near 10^6 keep
/// their precision; two summaries merge exactly (Chan et al.), so batches can be summed in SQL or in memory.
/// </summary>
public sealed record ArmMoments
{
    public long Count { get; private set; }
    public double MeanY { get; private set; }
    public double MeanX { get; private set; }
    private double _m2Y;
    private double _m2X;
    private double _cXY;

    public double VarianceY => Count > 1 ? _m2Y / (Count - 1) : 0;
    public double VarianceX => Count > 1 ? _m2X / (Count - 1) : 0;
    public double CovarianceXY => Count > 1 ? _cXY / (Count - 1) : 0;

    public void Add(double y, double x = 0)
    {
        Count++;
        var dy = y - MeanY;
        var dx = x - MeanX;
        MeanY += dy / Count;
        MeanX += dx / Count;
        _m2Y += dy * (y - MeanY);
        _m2X += dx * (x - MeanX);
        _cXY += dx * (y - MeanY);
    }

    public void AddRange(IEnumerable<double> ys)
    {
        foreach (var y in ys)
        {
            Add(y);
        }
    }

    public void Merge(ArmMoments other)
    {
        if (other.Count == 0)
        {
            return;
        }
        var n = Count + other.Count;
        var dy = other.MeanY - MeanY;
        var dx = other.MeanX - MeanX;
        var w = (double)Count * other.Count / n;
        _m2Y += other._m2Y + dy * dy * w;
        _m2X += other._m2X + dx * dx * w;
        _cXY += other._cXY + dx * dy * w;
        MeanY += dy * other.Count / n;
        MeanX += dx * other.Count / n;
        Count = n;
    }

    /// <summary>The moments of <paramref name="count"/> units sharing one covariate value <paramref name="x"/> (e.g. one
    /// caller's calls, whose pre-period mean is X), from their mean and sample variance of Y: merged per group, so
    /// the arm's moments come from a GROUP BY without reading every unit.</summary>
    public static ArmMoments Group(long count, double meanY, double varianceY, double x)
    {
        var m = new ArmMoments();
        if (count > 0)
        {
            m.Count = count;
            m.MeanY = meanY;
            m.MeanX = x;
            m._m2Y = count > 1 ? varianceY * (count - 1) : 0;
        }
        return m;
    }

    public static ArmMoments Of(IEnumerable<double> ys)
    {
        var m = new ArmMoments();
        m.AddRange(ys);
        return m;
    }
}
