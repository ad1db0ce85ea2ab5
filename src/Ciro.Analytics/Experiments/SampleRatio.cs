namespace Ciro.Analytics.Experiments;

/// <summary>The outcome of a sample-ratio-mismatch check.</summary>
public sealed record SampleRatioCheck(long Control, long Treatment, double ExpectedTreatmentShare, double ObservedTreatmentShare,
    double ChiSquare, double PValue, bool Mismatch);

/// <summary>
/// Sample-ratio mismatch (Fabijan et al. 2019, "Diagnosing Sample Ratio Mismatch in Online Controlled
/// Experiments"): a χ² goodness-of-fit test (1 degree of freedom) of the units each arm got against the planned
/// split. A mismatch means the assignment or the data pipeline is broken (a deployment that drops calls, an
/// indexer filter that misses one address), and no effect estimate can be trusted. The threshold is strict
/// (p &lt; 0.001 by default) because the check runs at every look and a false alarm stops the experiment.
/// </summary>
public static class SampleRatio
{
    public const double DefaultThreshold = 0.001;

    public static SampleRatioCheck Check(long control, long treatment, double expectedTreatmentShare, double threshold = DefaultThreshold)
    {
        if (expectedTreatmentShare is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedTreatmentShare), expectedTreatmentShare, "must be in (0, 1)");
        }
        var n = control + treatment;
        if (n == 0)
        {
            return new SampleRatioCheck(0, 0, expectedTreatmentShare, double.NaN, 0, 1, false);
        }
        var expectedTreatment = n * expectedTreatmentShare;
        var expectedControl = n - expectedTreatment;
        var chi = Square(treatment - expectedTreatment) / expectedTreatment + Square(control - expectedControl) / expectedControl;
        // P(χ²₁ > x) = P(|Z| > √x) = erfc(√(x/2)).
        var p = Normal.Erfc(Math.Sqrt(chi / 2));
        return new SampleRatioCheck(control, treatment, expectedTreatmentShare, (double)treatment / n, chi, p, p < threshold);
    }

    private static double Square(double x) => x * x;
}
