namespace Ciro.Alerts.Rules;

public enum RulePhase
{
    Inactive,
    Pending,
    Firing,

    /// <summary>Recovered, but keeping firing for <see cref="AlertRule.KeepFiring"/> before it resolves.</summary>
    Recovering,
}

/// <summary>One series of a rule (its labels) between evaluations.</summary>
public sealed record RuleState(RulePhase Phase, DateTimeOffset? Since, DateTimeOffset? RecoveringSince)
{
    public static RuleState Inactive { get; } = new(RulePhase.Inactive, null, null);

    public bool IsFiring => Phase is RulePhase.Firing or RulePhase.Recovering;
}

public enum RuleTransition
{
    None,
    Fire,
    Resolve,
}

/// <summary>
/// Pending, hysteresis, keep-firing and no-data as one pure function of the rule, the previous state, the measure and
/// the time, so the live evaluator and the backtest cannot differ. The condition holds when the measure reaches
/// the threshold; a firing series recovers only when the measure is below the threshold and at or below
/// <see cref="AlertRule.Recovery"/> — between the two it keeps firing (hysteresis).
/// </summary>
public static class RuleStateMachine
{
    public static (RuleState State, RuleTransition Transition) Step(AlertRule rule, RuleState state, double? measure, DateTimeOffset at)
    {
        bool breached, recovered;
        if (measure is { } value)
        {
            breached = value >= rule.Threshold;
            recovered = value < rule.Threshold && value <= rule.Recovery;
        }
        else
        {
            switch (rule.NoData)
            {
                case NoDataPolicy.Keep:
                    return (state, RuleTransition.None);
                case NoDataPolicy.Ok:
                    (breached, recovered) = (false, true);
                    break;
                default:
                    (breached, recovered) = (true, false);
                    break;
            }
        }
        switch (state.Phase)
        {
            case RulePhase.Inactive or RulePhase.Pending when breached:
                var since = state.Phase == RulePhase.Pending ? state.Since!.Value : at;
                return at - since >= rule.Pending
                    ? (new RuleState(RulePhase.Firing, since, null), RuleTransition.Fire)
                    : (new RuleState(RulePhase.Pending, since, null), RuleTransition.None);
            case RulePhase.Inactive or RulePhase.Pending:
                return (RuleState.Inactive, RuleTransition.None);
            case RulePhase.Firing or RulePhase.Recovering when recovered:
                var recovering = state.RecoveringSince ?? at;
                return at - recovering >= rule.KeepFiring
                    ? (RuleState.Inactive, RuleTransition.Resolve)
                    : (state with { Phase = RulePhase.Recovering, RecoveringSince = recovering }, RuleTransition.None);
            default:
                return (state with { Phase = RulePhase.Firing, RecoveringSince = null }, RuleTransition.None);
        }
    }
}
