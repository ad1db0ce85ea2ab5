namespace Ciro.Analytics.Experiments;

/// <summary>One series (a function of the upgraded contract, or a control's call shape) in one window: calls,
/// reverted calls, and the L2 gas per successful call (mean and sample variance).</summary>
public sealed record WindowStats(long Calls, long Reverted, long Succeeded, double MeanGas, double VarianceGas)
{
    public static readonly WindowStats Empty = new(0, 0, 0, 0, 0);
    public double RevertRate => Calls > 0 ? (double)Reverted / Calls : 0;
}

/// <summary>A series before and after the change.</summary>
public sealed record SeriesWindows(string Name, WindowStats Before, WindowStats After);

/// <summary>What the control contracts did between the windows: the ratio of gas per call after / before that is
/// NOT due to the upgrade (a protocol change, a new fee schedule, a load shift), and its uncertainty.</summary>
public sealed record ControlIndex(double Ratio, double LogVariance, int Series, long Calls)
{
    public static readonly ControlIndex None = new(1, 0, 0, 0);
}

/// <summary>The upgrade's effect on one function, in gas units per call (difference in differences), on its revert
/// rate and on its share of the contract's calls.</summary>
public sealed record FunctionImpact(
    string Function,
    long CallsBefore,
    long CallsAfter,
    double GasBefore,
    double GasAfter,
    double ExpectedGasAfter,
    EffectInterval GasEffect,
    double RelativeEffect,
    bool GasChanged,
    double RevertRateBefore,
    double RevertRateAfter,
    EffectInterval RevertRateEffect,
    double CallShareBefore,
    double CallShareAfter);

/// <summary>
/// Before/after of a class change (an upgrade) with unaffected contracts as controls, in gas units.
///
/// For each function of the upgraded contract with enough successful single-call transactions in both windows,
/// the counterfactual gas per call after the change is its gas before times the controls' ratio R (difference in
/// differences on the multiplicative scale: a network-wide change of x % moves the controls by x % too and is not
/// credited to the upgrade). The effect is after − before·R, with variance
///   s²_after/n_after + R²·s²_before/n_before + (before·R)²·Var(ln R)
/// (delta method), and a normal interval at level α/m for m analysed functions (Bonferroni: the chance that ANY
/// function of an upgrade that changed nothing shows an effect is at most α). R is the inverse-variance weighted
/// mean of the controls' log ratios (each series is a contract's call shape: first function and call count).
/// Assumptions: parallel trends (without the upgrade, the function's gas would have moved like the controls');
/// calls are independent; a fixed-sample interval because the analysis is done once, when the after window is
/// complete (no peeking). The revert rate and the call mix are compared directly (no control).
/// </summary>
public static class UpgradeImpact
{
    public static ControlIndex Control(IEnumerable<SeriesWindows> controls, long minCalls)
    {
        double weightSum = 0, weighted = 0;
        int series = 0;
        long calls = 0;
        foreach (var c in controls)
        {
            if (c.Before.Succeeded < minCalls || c.After.Succeeded < minCalls || c.Before.MeanGas <= 0 || c.After.MeanGas <= 0)
            {
                continue;
            }
            var variance = RelativeVariance(c.Before) + RelativeVariance(c.After);
            var logRatio = Math.Log(c.After.MeanGas / c.Before.MeanGas);
            // A series with no spread at all (fixed-gas calls) pins the ratio; keep it finite.
            var weight = 1 / Math.Max(variance, 1e-12);
            weightSum += weight;
            weighted += weight * logRatio;
            series++;
            calls += c.Before.Succeeded + c.After.Succeeded;
        }
        return series == 0 ? ControlIndex.None : new ControlIndex(Math.Exp(weighted / weightSum), 1 / weightSum, series, calls);
    }

    public static IReadOnlyList<FunctionImpact> Analyse(IReadOnlyList<SeriesWindows> functions, ControlIndex control, double alpha, long minCalls)
    {
        var analysed = functions.Where(f => f.Before.Succeeded >= minCalls && f.After.Succeeded >= minCalls).ToList();
        if (analysed.Count == 0)
        {
            return [];
        }
        var z = Normal.Quantile(1 - alpha / (2 * analysed.Count));
        var callsBefore = functions.Sum(f => f.Before.Calls);
        var callsAfter = functions.Sum(f => f.After.Calls);
        var result = new List<FunctionImpact>();
        foreach (var f in analysed)
        {
            var r = control.Ratio;
            var expected = f.Before.MeanGas * r;
            var effect = f.After.MeanGas - expected;
            var variance = f.After.VarianceGas / f.After.Succeeded + r * r * f.Before.VarianceGas / f.Before.Succeeded
                + expected * expected * control.LogVariance;
            var se = Math.Sqrt(variance);
            var gas = new EffectInterval(effect, effect - z * se, effect + z * se, se);

            var pb = f.Before.RevertRate;
            var pa = f.After.RevertRate;
            var revertSe = Math.Sqrt(pb * (1 - pb) / Math.Max(1, f.Before.Calls) + pa * (1 - pa) / Math.Max(1, f.After.Calls));
            var revert = new EffectInterval(pa - pb, pa - pb - z * revertSe, pa - pb + z * revertSe, revertSe);

            result.Add(new FunctionImpact(f.Name, f.Before.Calls, f.After.Calls, f.Before.MeanGas, f.After.MeanGas, expected, gas,
                expected > 0 ? effect / expected : 0, gas.ExcludesZero, pb, pa, revert,
                callsBefore > 0 ? (double)f.Before.Calls / callsBefore : 0, callsAfter > 0 ? (double)f.After.Calls / callsAfter : 0));
        }
        return result;
    }

    /// <summary>Var(ln mean) ≈ s²/(n·mean²).</summary>
    private static double RelativeVariance(WindowStats w) => w.VarianceGas / (w.Succeeded * w.MeanGas * w.MeanGas);
}
