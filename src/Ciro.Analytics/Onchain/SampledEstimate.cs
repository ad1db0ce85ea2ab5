using System.Numerics;

namespace Ciro.Analytics.Onchain;

/// <summary>An estimated total with its 95% interval, from <see cref="Samples"/> sampled occurrences.</summary>
public readonly record struct Estimate(double Value, int Samples, double Low, double High)
{
    public bool Contains(double truth) => truth >= Low - 1e-9 && truth <= High + 1e-9;
}

/// <summary>
/// Totals from the performance monitor's 1-in-N samples. Each sampled event carries the rate in force when it was
/// emitted, so a sample of rate r stands for r occurrences: the estimate is Σ r (Horvitz–Thompson, exact at r = 1;
/// a rate change mid-hour simply mixes rates). The 95% interval treats the sample count k as Poisson (Garwood's
/// exact interval for k, with chi-square quantiles by Wilson–Hilferty), scaled by the mean rate r̄ = Σ r / k and
/// shrunk around the estimate by the finite-population factor √(1 − 1/r̄), so at r = 1 the interval is the count
/// itself. With no sample the interval is [0, r·3.69] at the rate in force.
/// </summary>
public static class SampledEstimate
{
    private const double Z975 = 1.959963984540054;

    public static Estimate Total(IReadOnlyCollection<long> sampleRates, long rateInForce) => Total(sampleRates.Count, sampleRates.Sum(), rateInForce);

    /// <summary><see cref="Total(IReadOnlyCollection{long}, long)"/> from the sample count k and the Σ of their rates
    /// (all the estimate uses: what the hourly rollup keeps).</summary>
    public static Estimate Total(int k, long rateSum, long rateInForce)
    {
        if (k == 0)
        {
            var r0 = Math.Max(1, rateInForce);
            var high = r0 == 1 ? 0 : r0 * PoissonUpper(0) * Math.Sqrt(1 - 1.0 / r0);
            return new Estimate(0, 0, 0, high);
        }
        double value = rateSum;
        var rate = value / k;
        var shrink = Math.Sqrt(Math.Max(0, 1 - 1 / rate));
        var low = value - (value - rate * PoissonLower(k)) * shrink;
        var highK = value + (rate * PoissonUpper(k) - value) * shrink;
        return new Estimate(value, k, Math.Max(low, k), highK);
    }

    /// <summary>
    /// The largest 1-in-N rate at which the 95% interval of a total of <paramref name="count"/> occurrences stays within
    /// ±<paramref name="targetError"/> of it. Each occurrence is sampled with probability 1/r and stands for r, so the
    /// estimate's variance is count·(r − 1) and its half-width z·√(count·(r − 1)); keeping that ≤ e·count gives
    /// r ≤ 1 + count·e²/z². Null when nothing occurred (no rate bounds the error of an empty total); 1 (sample every
    /// call) when even r = 2 is too coarse.
    /// </summary>
    public static long? RateForRelativeError(long count, double targetError)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetError);
        if (count <= 0)
        {
            return null;
        }
        var rate = Math.Floor(1 + count * targetError * targetError / (Z975 * Z975));
        return rate >= long.MaxValue ? long.MaxValue : Math.Max(1, (long)rate);
    }

    /// <summary>Mean of sampled values with a normal 95% interval (t-like widening below 30 samples).</summary>
    public static Estimate Mean(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return new Estimate(double.NaN, 0, double.NaN, double.NaN);
        }
        var mean = values.Average();
        if (values.Count == 1)
        {
            return new Estimate(mean, 1, double.NegativeInfinity, double.PositiveInfinity);
        }
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        // Below 30 samples widen z towards Student's t (2.09 at 20, 2.26 at 10) with a simple 1 + 2.5/n factor.
        var z = Z975 * (1 + 2.5 / values.Count);
        var half = z * Math.Sqrt(variance / values.Count);
        return new Estimate(mean, values.Count, mean - half, mean + half);
    }

    /// <summary>
    /// <see cref="Mean(IReadOnlyList{double})"/> from the sufficient statistics of integer values: their count, Σ and
    /// Σ of squares (what the hourly rollup keeps). The mean is Σ / n and the variance (n·Σx² − (Σx)²) / (n(n − 1)),
    /// both from exact integers, so any split of the values into hours gives the same answer to the bit.
    /// </summary>
    public static Estimate Mean(long count, BigInteger sum, BigInteger sumOfSquares)
    {
        if (count == 0)
        {
            return new Estimate(double.NaN, 0, double.NaN, double.NaN);
        }
        var mean = (double)sum / count;
        if (count == 1)
        {
            return new Estimate(mean, 1, double.NegativeInfinity, double.PositiveInfinity);
        }
        var variance = (double)(count * sumOfSquares - sum * sum) / ((double)count * (count - 1));
        var n = (int)Math.Min(count, int.MaxValue);
        var z = Z975 * (1 + 2.5 / count);
        var half = z * Math.Sqrt(variance / count);
        return new Estimate(mean, n, mean - half, mean + half);
    }

    /// <summary>Garwood lower bound of a Poisson mean having seen k: χ²(0.025; 2k) / 2.</summary>
    public static double PoissonLower(int k) => k == 0 ? 0 : ChiSquareQuantile(0.025, 2 * k) / 2;

    /// <summary>Garwood upper bound: χ²(0.975; 2k + 2) / 2 (3.689 at k = 0).</summary>
    public static double PoissonUpper(int k) => ChiSquareQuantile(0.975, 2 * k + 2) / 2;

    /// <summary>Wilson–Hilferty: χ²_p(ν) ≈ ν (1 − 2/(9ν) + z_p √(2/(9ν)))³; within 1% for ν ≥ 2 at these p.</summary>
    private static double ChiSquareQuantile(double p, int nu)
    {
        var z = p > 0.5 ? Z975 : -Z975;
        var a = 2.0 / (9 * nu);
        var c = 1 - a + z * Math.Sqrt(a);
        return nu * c * c * c;
    }
}
