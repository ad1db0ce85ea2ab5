namespace Ciro.Analytics.Experiments;

/// <summary>The difference of means after CUPED, and how much variance the covariate removed.</summary>
public sealed record CupedEstimate(double Difference, double Variance, double Theta, double VarianceReduction);

/// <summary>
/// CUPED (Deng, Xu, Kohavi and Walker 2013, "Improving the sensitivity of online controlled experiments by
/// utilizing pre-experiment data"): each unit's metric Y is replaced by Y − θ(X − E[X]) where X is the same
/// unit's pre-period value of the metric (e.g. a caller's mean gas per call in the week before). With
/// θ = Cov(X, Y)/Var(X) the difference of means keeps its expectation (X does not depend on the arm: it was
/// measured before assignment) and its variance shrinks by the factor 1 − ρ²(X, Y).
/// θ is pooled from both arms' within-arm moments, so a treatment effect on Y does not leak into it.
/// Assumptions: X is measured before the unit was exposed; units without a pre-period get the pooled mean of X
/// (X − E[X] = 0, no adjustment, still unbiased).
/// </summary>
public static class Cuped
{
    public static CupedEstimate Estimate(ArmMoments control, ArmMoments treatment)
    {
        var dof = control.Count + treatment.Count - 2;
        var plainVariance = ArmVariance(control.VarianceY, control.Count) + ArmVariance(treatment.VarianceY, treatment.Count);
        var plain = treatment.MeanY - control.MeanY;
        if (dof <= 0)
        {
            return new CupedEstimate(plain, plainVariance, 0, 0);
        }
        var varX = ((control.Count - 1) * control.VarianceX + (treatment.Count - 1) * treatment.VarianceX) / dof;
        var covXY = ((control.Count - 1) * control.CovarianceXY + (treatment.Count - 1) * treatment.CovarianceXY) / dof;
        if (varX <= 0)
        {
            return new CupedEstimate(plain, plainVariance, 0, 0);
        }
        var theta = covXY / varX;
        var meanX = (control.MeanX * control.Count + treatment.MeanX * treatment.Count) / (control.Count + treatment.Count);
        var adjustedControl = control.MeanY - theta * (control.MeanX - meanX);
        var adjustedTreatment = treatment.MeanY - theta * (treatment.MeanX - meanX);
        var variance = ArmVariance(AdjustedVariance(control, theta), control.Count) + ArmVariance(AdjustedVariance(treatment, theta), treatment.Count);
        var reduction = plainVariance > 0 ? 1 - variance / plainVariance : 0;
        return new CupedEstimate(adjustedTreatment - adjustedControl, variance, theta, reduction);
    }

    /// <summary>Var(Y − θX) = Var Y − 2θ Cov(X, Y) + θ² Var X, within one arm.</summary>
    private static double AdjustedVariance(ArmMoments arm, double theta) =>
        Math.Max(0, arm.VarianceY - 2 * theta * arm.CovarianceXY + theta * theta * arm.VarianceX);

    private static double ArmVariance(double variance, long n) => n > 0 ? variance / n : 0;
}
