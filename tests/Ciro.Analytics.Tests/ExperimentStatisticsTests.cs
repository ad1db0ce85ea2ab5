using Ciro.Analytics.Experiments;
using Xunit.Abstractions;

namespace Ciro.Analytics.Tests;

/// <summary>
/// The experiment statistics on simulated experiments with a known truth. Gas per call is drawn log-normal
/// (median 2,000,000, σ_log 0.35: skewed like the simulator's and mainnet's per-call gas), in batches of 50
/// calls per arm, with a look after every batch.
/// </summary>
public sealed class ExperimentStatisticsTests(ITestOutputHelper output)
{
    private const int Experiments = 200;
    private const int Batches = 40;
    private const int BatchSize = 50;
    private static readonly ExperimentPlan Plan = new() { PlannedUnitsPerArm = Batches * BatchSize, MaxUnitsPerArm = Batches * BatchSize };

    /// <summary>Largest count of false positives among 200 experiments at a true rate of 5% that is not
    /// evidence (one-sided, 1%) of a higher rate: the binomial tolerance the issue allows.</summary>
    private static int BinomialTolerance(int n, double p, double level = 0.01)
    {
        double cumulative = 0;
        for (var k = 0; k <= n; k++)
        {
            cumulative += Math.Exp(LogChoose(n, k) + k * Math.Log(p) + (n - k) * Math.Log(1 - p));
            if (1 - cumulative < level)
            {
                return k;
            }
        }
        return n;
    }

    private static double LogChoose(int n, int k)
    {
        double s = 0;
        for (var i = 1; i <= k; i++)
        {
            s += Math.Log(n - k + i) - Math.Log(i);
        }
        return s;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double Gas(Random random) => 2_000_000 * Math.Exp(0.35 * Gaussian(random));

    /// <summary>E[Gas] of the log-normal above: the mean the effects are relative to.</summary>
    private static readonly double MeanGas = 2_000_000 * Math.Exp(0.35 * 0.35 / 2);

    private static ArmObservation Arm(ArmMoments metric) => new(metric, metric.Count, 0);

    [Fact]
    public void AA_experiments_peeking_after_every_batch_keep_the_false_positive_rate_at_alpha()
    {
        var random = new Random(20261130);
        int sequentialFalse = 0, fixedFalse = 0;
        for (var e = 0; e < Experiments; e++)
        {
            var control = new ArmMoments();
            var treatment = new ArmMoments();
            bool sequentialFired = false, fixedFired = false;
            for (var batch = 0; batch < Batches; batch++)
            {
                for (var i = 0; i < BatchSize; i++)
                {
                    control.Add(Gas(random));
                    treatment.Add(Gas(random));
                }
                var look = SequentialTest.Evaluate(Plan, Arm(control), Arm(treatment));
                sequentialFired |= look.Decision == ExperimentDecision.Effect;
                // The naive analysis a dashboard does when it re-runs a fixed-sample test at every look.
                var variance = control.VarianceY / control.Count + treatment.VarianceY / treatment.Count;
                fixedFired |= ConfidenceSequence.FixedSample(treatment.MeanY - control.MeanY, variance, 0.05).ExcludesZero;
            }
            sequentialFalse += sequentialFired ? 1 : 0;
            fixedFalse += fixedFired ? 1 : 0;
        }
        var tolerance = BinomialTolerance(Experiments, 0.05);
        output.WriteLine($"A/A, {Experiments} experiments × {Batches} looks: always-valid false positives {sequentialFalse} ({(double)sequentialFalse / Experiments:P1}); " +
            $"fixed-sample test re-run at every look {fixedFalse} ({(double)fixedFalse / Experiments:P1}); tolerance {tolerance}");
        Assert.InRange(sequentialFalse, 0, tolerance);
        // The same data analysed the naive way is well past α: the test above could fail, and peeking is unsafe
        // without the confidence sequence.
        Assert.True(fixedFalse > tolerance, $"peeking with a fixed-sample test gave only {fixedFalse} false positives");
    }

    [Fact]
    public void AB_experiments_with_a_known_effect_are_covered_at_every_look_and_found()
    {
        var random = new Random(7);
        var trueDifference = -0.06 * MeanGas; // the treatment saves 6% of gas per call
        int covered = 0, found = 0, wrongSign = 0;
        double firstLookSum = 0;
        for (var e = 0; e < Experiments; e++)
        {
            var control = new ArmMoments();
            var treatment = new ArmMoments();
            var coveredAtEveryLook = true;
            int? foundAt = null;
            for (var batch = 0; batch < Batches; batch++)
            {
                for (var i = 0; i < BatchSize; i++)
                {
                    control.Add(Gas(random));
                    treatment.Add(Gas(random) * 0.94);
                }
                var look = SequentialTest.Evaluate(Plan, Arm(control), Arm(treatment));
                coveredAtEveryLook &= look.Difference.Contains(trueDifference);
                if (foundAt is null && look.Decision == ExperimentDecision.Effect)
                {
                    foundAt = batch + 1;
                    wrongSign += look.Difference.Upper > 0 ? 1 : 0;
                }
            }
            covered += coveredAtEveryLook ? 1 : 0;
            if (foundAt is { } at)
            {
                found++;
                firstLookSum += at;
            }
        }
        var coverage = (double)covered / Experiments;
        output.WriteLine($"A/B, true difference {trueDifference:F0} gas (−6%): time-uniform coverage {coverage:P1}; effect found in {found}/{Experiments}, " +
            $"on average at look {firstLookSum / Math.Max(1, found):F1} of {Batches}; wrong sign {wrongSign}");
        Assert.True(coverage >= 0.95, $"coverage {coverage:P1}");
        Assert.True(found >= 180, $"the 6% effect was found in only {found} of {Experiments} runs");
        Assert.Equal(0, wrongSign);
    }

    [Fact]
    public void Cuped_with_a_pre_period_covariate_narrows_the_interval_and_keeps_it_on_the_truth()
    {
        // Units are callers: each has its own level (some send heavy calls), seen in the pre-period too.
        var random = new Random(11);
        var plain = (Control: new ArmMoments(), Treatment: new ArmMoments());
        var adjusted = (Control: new ArmMoments(), Treatment: new ArmMoments());
        const double effect = -50_000;
        for (var i = 0; i < 4000; i++)
        {
            var treated = i % 2 == 1;
            var level = 2_000_000 + 400_000 * Gaussian(random);
            var pre = level + 100_000 * Gaussian(random);
            var during = level + 100_000 * Gaussian(random) + (treated ? effect : 0);
            (treated ? plain.Treatment : plain.Control).Add(during);
            (treated ? adjusted.Treatment : adjusted.Control).Add(during, pre);
        }
        var withoutCuped = SequentialTest.Evaluate(Plan, Arm(plain.Control), Arm(plain.Treatment));
        var withCuped = SequentialTest.Evaluate(Plan, Arm(adjusted.Control), Arm(adjusted.Treatment));
        output.WriteLine($"without CUPED ±{withoutCuped.Difference.HalfWidth:F0}, with ±{withCuped.Difference.HalfWidth:F0}; variance reduction {withCuped.VarianceReduction:P1}");
        // ρ(pre, during) = 0.4²/(0.4² + 0.1²) = 0.94, so the variance drops by ρ² = 0.886.
        Assert.InRange(withCuped.VarianceReduction, 0.86, 0.91);
        Assert.True(withCuped.CupedApplied);
        Assert.False(withoutCuped.CupedApplied);
        Assert.True(withCuped.Difference.Contains(effect));
        Assert.Equal(ExperimentDecision.Effect, withCuped.Decision);
        Assert.NotEqual(ExperimentDecision.Effect, withoutCuped.Decision);
    }

    [Theory]
    [InlineData(5200, 4800, true)]   // 52/48 of 10,000 on a planned 50/50: χ² = 16, p = 6e-5
    [InlineData(5030, 4970, false)]  // 50.3/49.7: χ² = 0.36, p = 0.55
    [InlineData(7100, 2900, false)]  // a planned 70/30 split that holds
    public void Sample_ratio_mismatch_is_flagged_on_a_skewed_split_only(long control, long treatment, bool mismatch)
    {
        var share = control == 7100 ? 0.29 : 0.5;
        var check = SampleRatio.Check(control, treatment, share);
        Assert.Equal(mismatch, check.Mismatch);
        if (control == 5200)
        {
            Assert.Equal(16.0, check.ChiSquare, 6);
            Assert.InRange(check.PValue, 6.0e-5, 6.6e-5);
            var look = SequentialTest.Evaluate(Plan, Arm(ArmMoments.Of(Enumerable.Repeat(1.0, 5200))), Arm(ArmMoments.Of(Enumerable.Repeat(1.0, 4800))));
            Assert.Equal(ExperimentDecision.SampleRatioMismatch, look.Decision);
        }
    }

    [Fact]
    public void A_treatment_that_reverts_more_breaches_the_guardrail_and_one_that_does_not_passes()
    {
        var random = new Random(3);
        var control = new ArmMoments();
        var treatment = new ArmMoments();
        for (var i = 0; i < 5000; i++)
        {
            control.Add(Gas(random));
            treatment.Add(Gas(random) * 0.9); // cheaper, but…
        }
        var worse = SequentialTest.Evaluate(Plan, new ArmObservation(control, 5000, 150), new ArmObservation(treatment, 5000, 400));
        Assert.Equal(ExperimentDecision.GuardrailBreached, worse.Decision);
        Assert.True(worse.RevertRateDifference.Contains(0.05));
        var same = SequentialTest.Evaluate(Plan, new ArmObservation(control, 5000, 150), new ArmObservation(treatment, 5000, 160));
        Assert.Equal(ExperimentDecision.Effect, same.Decision);
        Assert.True(same.Difference.Upper < 0);
    }

    [Fact]
    public void No_meaningful_effect_stops_once_the_interval_is_inside_the_minimum_effect()
    {
        var random = new Random(5);
        var plan = Plan with { MinimumEffect = 0.02 * MeanGas, MaxUnitsPerArm = 200_000 };
        var control = new ArmMoments();
        var treatment = new ArmMoments();
        ExperimentLook look;
        do
        {
            for (var i = 0; i < BatchSize; i++)
            {
                control.Add(Gas(random));
                treatment.Add(Gas(random));
            }
            look = SequentialTest.Evaluate(plan, Arm(control), Arm(treatment));
        }
        while (look.Decision == ExperimentDecision.Continue);
        Assert.Equal(ExperimentDecision.NoMeaningfulEffect, look.Decision);
        Assert.True(look.Difference.HalfWidth < plan.MinimumEffect);
    }

    [Fact]
    public void Normal_functions_match_tabulated_values()
    {
        Assert.Equal(0.975, Normal.Cdf(1.959963984540054), 7);
        Assert.Equal(1.959963984540054, Normal.Quantile(0.975), 6);
        Assert.Equal(-2.326347874040841, Normal.Quantile(0.01), 6);
        Assert.Equal(0.5, Normal.Cdf(0), 7);
    }
}
