using Ciro.Alerts.Rules;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>Pending, hysteresis, keep-firing and no-data, one evaluation a minute on a made-up series.</summary>
public sealed class RuleStateMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static AlertRule Rule(TimeSpan pending = default, TimeSpan keepFiring = default, double recovery = 3, NoDataPolicy noData = NoDataPolicy.Keep) => new()
    {
        Id = "r",
        Kind = RuleKind.GasSpike,
        Window = TimeSpan.FromMinutes(5),
        Threshold = 5,
        Recovery = recovery,
        Pending = pending,
        KeepFiring = keepFiring,
        NoData = noData,
        Metric = "l2_gas",
    };

    /// <summary>The transitions of a series fed one measure a minute: "F" fire, "R" resolve, "." nothing.</summary>
    private static string Run(AlertRule rule, params double?[] measures)
    {
        var state = RuleState.Inactive;
        var trace = "";
        for (var i = 0; i < measures.Length; i++)
        {
            (state, var transition) = RuleStateMachine.Step(rule, state, measures[i], T0.AddMinutes(i));
            trace += transition switch { RuleTransition.Fire => "F", RuleTransition.Resolve => "R", _ => "." };
        }
        return trace;
    }

    [Fact]
    public void Without_pending_it_fires_on_the_first_breach_and_resolves_on_recovery() =>
        Assert.Equal(".F..R", Run(Rule(recovery: 5), 1, 6, 7, 5.5, 4));

    [Fact]
    public void Pending_needs_the_condition_to_hold_for_its_whole_duration_and_a_dip_starts_it_again() =>
        // Breach at 1, 2, dip at 3 (pending reset), breach from 4: fires at 6, two minutes after 4.
        Assert.Equal("......F", Run(Rule(pending: TimeSpan.FromMinutes(2)), 1, 6, 6, 1, 6, 6, 6));

    [Fact]
    public void Between_the_recovery_and_the_threshold_a_firing_rule_keeps_firing() =>
        // Fires at 6; 4.9 and 3.5 are below the threshold but above recovery 3: still firing; resolves at 3.
        Assert.Equal("F...R.", Run(Rule(recovery: 3), 6, 4.9, 3.5, 4.5, 3, 4.9));

    [Fact]
    public void Keep_firing_holds_a_recovered_rule_and_a_new_breach_cancels_the_recovery() =>
        // Recovered at 1 and 2, breach at 3 cancels; recovered from 4: resolves at 6 (2 minutes later).
        Assert.Equal("F.....R", Run(Rule(keepFiring: TimeSpan.FromMinutes(2)), 6, 1, 1, 6, 1, 1, 1));

    [Fact]
    public void No_data_keeps_the_state_counts_as_ok_or_as_alerting_as_the_rule_says()
    {
        Assert.Equal("F...", Run(Rule(noData: NoDataPolicy.Keep), 6, null, null, null));
        Assert.Equal("FR..", Run(Rule(noData: NoDataPolicy.Ok), 6, null, null, null));
        Assert.Equal(".F.", Run(Rule(noData: NoDataPolicy.Alerting), 1, null, null));
    }
}
