namespace Ciro.Analytics.Experiments;

/// <summary>What an A/B experiment is planned for; fixed before the first look (changing α or the planned size
/// mid-way would void the always-valid guarantee).</summary>
public sealed record ExperimentPlan
{
    /// <summary>Chance that the primary interval ever misses the true difference, over all looks together.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Share of units the treatment arm is meant to get (the sample-ratio check's expectation).</summary>
    public double TreatmentShare { get; init; } = 0.5;

    /// <summary>Units per arm where the interval should be narrowest (tunes the mixture; any value keeps validity).</summary>
    public long PlannedUnitsPerArm { get; init; } = 10_000;

    /// <summary>Stop with "no meaningful effect" once the whole interval lies inside ±this (metric units, e.g. gas
    /// per call); 0 never stops for that reason.</summary>
    public double MinimumEffect { get; init; }

    /// <summary>Guardrail: stop when the treatment's revert rate is proven higher than the control's by more than
    /// this (absolute, 0.01 = one percentage point).</summary>
    public double RevertRateTolerance { get; init; } = 0.01;

    /// <summary>Stop, inconclusive, at this many units per arm.</summary>
    public long MaxUnitsPerArm { get; init; } = 1_000_000;

    /// <summary>No decision before this many units per arm: the plug-in variances need some data.</summary>
    public long MinUnitsPerArm { get; init; } = 50;

    public double SampleRatioThreshold { get; init; } = SampleRatio.DefaultThreshold;
}

public enum ExperimentDecision
{
    /// <summary>Keep collecting.</summary>
    Continue,
    /// <summary>The primary interval excludes zero: the treatment changed the metric (the sign says which way).</summary>
    Effect,
    /// <summary>The primary interval lies inside ±MinimumEffect: any effect is too small to matter.</summary>
    NoMeaningfulEffect,
    /// <summary>The treatment reverts more than the tolerance allows.</summary>
    GuardrailBreached,
    /// <summary>The arms' sizes do not match the planned split: the data cannot be trusted.</summary>
    SampleRatioMismatch,
    /// <summary>The maximum size was reached without a decision.</summary>
    MaxSampleReached,
}

/// <summary>The calls (or units) of one arm at a look: the primary metric's moments and the guardrail's counts.</summary>
public sealed record ArmObservation(ArmMoments Metric, long Calls, long Reverted);

/// <summary>One look at an experiment: the always-valid intervals, the checks and what to do.</summary>
public sealed record ExperimentLook(
    long ControlUnits,
    long TreatmentUnits,
    double ControlMean,
    double TreatmentMean,
    EffectInterval Difference,
    double? RelativeDifference,
    bool CupedApplied,
    double VarianceReduction,
    EffectInterval RevertRateDifference,
    SampleRatioCheck SampleRatio,
    ExperimentDecision Decision,
    string Reason);

/// <summary>
/// Evaluates a look of a two-arm experiment. Every interval is a confidence sequence
/// (<see cref="ConfidenceSequence"/>), so a look may be taken after every batch and the experiment stopped at
/// the first decision without inflating the error rate. Stopping rules, in order: sample-ratio mismatch; the
/// revert-rate guardrail; an effect (the primary interval excludes 0); no meaningful effect (the interval is
/// inside ±MinimumEffect); the maximum size.
/// </summary>
public static class SequentialTest
{
    public static ExperimentLook Evaluate(ExperimentPlan plan, ArmObservation control, ArmObservation treatment)
    {
        var c = control.Metric;
        var t = treatment.Metric;
        var srm = SampleRatio.Check(c.Count, t.Count, plan.TreatmentShare, plan.SampleRatioThreshold);

        var cuped = Cuped.Estimate(c, t);
        var cupedApplied = cuped.Theta != 0;
        var plannedVariance = c.VarianceY / Planned(plan, 1 - plan.TreatmentShare) + t.VarianceY / Planned(plan, plan.TreatmentShare);
        var primary = Interval(cuped.Difference, cuped.Variance, plannedVariance * (1 - cuped.VarianceReduction), plan.Alpha);

        var pc = Rate(control);
        var pt = Rate(treatment);
        var revertVariance = Bernoulli(pc, control.Calls) + Bernoulli(pt, treatment.Calls);
        var plannedRevertVariance = pc * (1 - pc) / Planned(plan, 1 - plan.TreatmentShare) + pt * (1 - pt) / Planned(plan, plan.TreatmentShare);
        var guardrail = Interval(pt - pc, revertVariance, plannedRevertVariance, plan.Alpha);

        var (decision, reason) = Decide(plan, c.Count, t.Count, srm, primary, guardrail);
        return new ExperimentLook(c.Count, t.Count, c.MeanY, t.MeanY, primary,
            c.MeanY != 0 ? primary.Estimate / c.MeanY : null, cupedApplied, cuped.VarianceReduction, guardrail, srm, decision, reason);
    }

    /// <summary>B − A of a secondary metric (latency) with the primary's kind of always-valid confidence sequence, tuned
    /// to the same planned size; no CUPED (a job or a block has no pre-period value of its own). Null until each arm
    /// has two units (no spread to plug in).</summary>
    public static EffectInterval? SecondaryDifference(ExperimentPlan plan, ArmMoments control, ArmMoments treatment)
    {
        if (control.Count < 2 || treatment.Count < 2)
        {
            return null;
        }
        var variance = control.VarianceY / control.Count + treatment.VarianceY / treatment.Count;
        var plannedVariance = control.VarianceY / Planned(plan, 1 - plan.TreatmentShare) + treatment.VarianceY / Planned(plan, plan.TreatmentShare);
        return Interval(treatment.MeanY - control.MeanY, variance, plannedVariance, plan.Alpha);
    }

    private static (ExperimentDecision, string) Decide(ExperimentPlan plan, long nc, long nt, SampleRatioCheck srm, EffectInterval primary, EffectInterval guardrail)
    {
        var fmt = System.Globalization.CultureInfo.InvariantCulture;
        if (srm.Mismatch)
        {
            return (ExperimentDecision.SampleRatioMismatch, string.Create(fmt,
                $"treatment got {srm.ObservedTreatmentShare:P2} of units, planned {srm.ExpectedTreatmentShare:P2} (χ² = {srm.ChiSquare:F1}, p = {srm.PValue:G3})"));
        }
        if (Math.Min(nc, nt) < plan.MinUnitsPerArm)
        {
            return (ExperimentDecision.Continue, $"fewer than {plan.MinUnitsPerArm} units in an arm");
        }
        if (guardrail.Lower > plan.RevertRateTolerance)
        {
            return (ExperimentDecision.GuardrailBreached, string.Create(fmt,
                $"revert rate higher by [{guardrail.Lower:P2}, {guardrail.Upper:P2}], tolerance {plan.RevertRateTolerance:P2}"));
        }
        if (primary.ExcludesZero)
        {
            return (ExperimentDecision.Effect, string.Create(fmt, $"difference in [{primary.Lower:G6}, {primary.Upper:G6}] excludes 0"));
        }
        if (plan.MinimumEffect > 0 && primary.Lower > -plan.MinimumEffect && primary.Upper < plan.MinimumEffect)
        {
            return (ExperimentDecision.NoMeaningfulEffect, string.Create(fmt,
                $"difference in [{primary.Lower:G6}, {primary.Upper:G6}], inside ±{plan.MinimumEffect:G6}"));
        }
        if (Math.Max(nc, nt) >= plan.MaxUnitsPerArm)
        {
            return (ExperimentDecision.MaxSampleReached, $"{plan.MaxUnitsPerArm} units per arm without a decision");
        }
        return (ExperimentDecision.Continue, "the interval contains 0 and is wider than the minimum effect");
    }

    /// <summary>The mixture is tuned on the standardised scale (τ² a fixed multiple of the variance expected at
    /// the planned size), as the asymptotic confidence sequences of Waudby-Smith et al. (2023) do with plug-in
    /// variances.</summary>
    private static EffectInterval Interval(double estimate, double variance, double plannedVariance, double alpha)
    {
        if (variance <= 0 || plannedVariance <= 0)
        {
            return new EffectInterval(estimate, estimate, estimate, 0);
        }
        return ConfidenceSequence.Interval(estimate, variance, StandardisedMixture(alpha) * plannedVariance, alpha);
    }

    private static double StandardisedMixture(double alpha) => alpha == 0.05 ? Mixture05.Value : ConfidenceSequence.TuneMixture(1, alpha);

    private static readonly Lazy<double> Mixture05 = new(() => ConfidenceSequence.TuneMixture(1, 0.05));

    private static double Planned(ExperimentPlan plan, double share) =>
        Math.Max(1, plan.PlannedUnitsPerArm * 2 * share);

    private static double Rate(ArmObservation arm) => arm.Calls > 0 ? (double)arm.Reverted / arm.Calls : 0;

    private static double Bernoulli(double p, long n) => n > 0 ? p * (1 - p) / n : 0;
}
