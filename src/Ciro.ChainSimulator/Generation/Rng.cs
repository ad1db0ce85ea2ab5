namespace Ciro.ChainSimulator.Generation;

/// <summary>
/// xoshiro256** seeded per block from (seed, block number, branch): every block's randomness is independent of
/// how many numbers earlier blocks drew, so regenerating the pre-confirmed block or a reorged branch is exact.
/// </summary>
public struct Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed, long number, int branch)
    {
        var x = seed ^ 0x9E3779B97F4A7C15UL * (ulong)(number + 1) ^ 0xD1B54A32D192ED03UL * (ulong)(branch + 1);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, max).</summary>
    public int Next(int max) => max <= 1 ? 0 : (int)(NextULong() % (ulong)max);

    /// <summary>Uniform in [min, max].</summary>
    public ulong Range(ulong min, ulong max) => min + NextULong() % (max - min + 1);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Multiplies by a factor uniform in [1 - spread, 1 + spread]: gas and amounts vary call to call.</summary>
    public ulong Jitter(ulong value, double spread) => (ulong)(value * (1 + spread * (2 * NextDouble() - 1)));

    /// <summary>Knuth's method; means here are small (jobs per block), larger ones use a normal approximation.</summary>
    public int Poisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }
        if (mean > 30)
        {
            var u1 = 1 - NextDouble();
            var u2 = NextDouble();
            var normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * normal));
        }
        var limit = Math.Exp(-mean);
        var k = 0;
        var p = NextDouble();
        while (p > limit)
        {
            k++;
            p *= NextDouble();
        }
        return k;
    }
}
