namespace Ciro.Analytics.Experiments;

/// <summary>An interval for a difference (treatment − control), with the method that made it.</summary>
public sealed record EffectInterval(double Estimate, double Lower, double Upper, double StandardError)
{
    public bool ExcludesZero => Lower > 0 || Upper < 0;
    public double HalfWidth => (Upper - Lower) / 2;
    public bool Contains(double value) => Lower <= value && value <= Upper;
}

/// <summary>
/// Always-valid confidence sequence for a difference of means: the two-sided normal-mixture boundary
/// (Robbins 1970; Howard, Ramdas, McAuliffe and Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic
/// confidence sequences") in the form of the mixture SPRT of Johari, Koomen, Pekelis and Walsh (2017, "Peeking
/// at A/B tests"; 2022 "Always valid inference").
///
/// With Δ̂ the difference of the arms' means and V its variance (σ²_A/n_A + σ²_B/n_B), the likelihood ratio of
/// "Δ = Δ₀" against a N(Δ₀, τ²) mixture of alternatives is Λ = √(V/(V+τ²))·exp(τ²(Δ̂−Δ₀)²/(2V(V+τ²))), a
/// nonnegative martingale under Δ₀; Ville's inequality bounds the chance it EVER crosses 1/α by α. Inverting:
///   Δ̂ ± √( V(V+τ²)/τ² · ln((V+τ²)/(V·α²)) )
/// covers Δ at every look simultaneously with probability ≥ 1 − α, however often one looks and whenever one
/// stops. Exact for Gaussian increments with known variance; with the plug-in sample variances used here it is
/// asymptotic (Waudby-Smith et al. 2023), which the A/A test checks on skewed gas-like data.
/// τ² is a tuning constant, not a prior: it sets the sample size where the interval is tightest
/// (<see cref="TuneMixture"/>); any τ² keeps the guarantee.
/// </summary>
public static class ConfidenceSequence
{
    public static double HalfWidth(double variance, double mixtureVariance, double alpha)
    {
        if (variance <= 0)
        {
            return 0;
        }
        var v = variance;
        var t2 = mixtureVariance;
        return Math.Sqrt(v * (v + t2) / t2 * Math.Log((v + t2) / (v * alpha * alpha)));
    }

    public static EffectInterval Interval(double estimate, double variance, double mixtureVariance, double alpha)
    {
        var half = HalfWidth(variance, mixtureVariance, alpha);
        return new EffectInterval(estimate, estimate - half, estimate + half, Math.Sqrt(Math.Max(0, variance)));
    }

    /// <summary>The τ² that makes the interval narrowest when the estimator's variance is
    /// <paramref name="plannedVariance"/> (the variance expected at the planned sample size): a golden-section
    /// search on ln τ² (the half-width is unimodal in it).</summary>
    public static double TuneMixture(double plannedVariance, double alpha)
    {
        if (plannedVariance <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(plannedVariance), plannedVariance, "must be positive");
        }
        double lo = Math.Log(plannedVariance) - 10, hi = Math.Log(plannedVariance) + 10;
        var phi = (Math.Sqrt(5) - 1) / 2;
        for (var i = 0; i < 100; i++)
        {
            var a = hi - phi * (hi - lo);
            var b = lo + phi * (hi - lo);
            if (HalfWidth(plannedVariance, Math.Exp(a), alpha) < HalfWidth(plannedVariance, Math.Exp(b), alpha))
            {
                hi = b;
            }
            else
            {
                lo = a;
            }
        }
        return Math.Exp((lo + hi) / 2);
    }

    /// <summary>The fixed-sample (Welch, normal approximation) interval: valid at ONE pre-planned look only.
    /// Used for the before/after of an upgrade, which is analysed once, and to show what peeking costs.</summary>
    public static EffectInterval FixedSample(double estimate, double variance, double alpha)
    {
        var se = Math.Sqrt(Math.Max(0, variance));
        var z = Normal.Quantile(1 - alpha / 2);
        return new EffectInterval(estimate, estimate - z * se, estimate + z * se, se);
    }
}
