namespace Ciro.Alerts.Rules;

/// <summary>The five conditions operators care about (issue 11); pipeline-stalled stays its own rule in
/// <see cref="AlertsOptions.PipelineStalled"/>.</summary>
public enum RuleKind
{
    GasSpike,
    SlowExecution,
    WorkerDegradation,
    NetworkCongestion,
    UsageAnomaly,
}

/// <summary>What an evaluation without data does to the rule's state.</summary>
public enum NoDataPolicy
{
    /// <summary>Leave the state as it is: a firing rule keeps firing, a quiet one stays quiet (the default).</summary>
    Keep,

    /// <summary>Count it as healthy: pending is dropped, firing recovers.</summary>
    Ok,

    /// <summary>Count it as breaching: a rule whose data stops is itself an alert.</summary>
    Alerting,
}

/// <summary>
/// One rule as loaded from a rule file and validated (<see cref="RuleFileLoader"/>). The measure a rule computes
/// always grows with badness (a success-rate drop is measured as a positive spread below the peers), so every kind
/// fires when the measure reaches <see cref="Threshold"/> and recovers when it falls to <see cref="Recovery"/> or
/// below (hysteresis; equal to the threshold when not given).
/// </summary>
public sealed record AlertRule
{
    public required string Id { get; init; }
    public required RuleKind Kind { get; init; }
    public string Severity { get; init; } = "warning";
    public string? Description { get; init; }
    public bool Enabled { get; init; } = true;

    /// <summary>Given in the file; the series labels (function, worker, …) are added per evaluation.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The measure covers [at − Window, at).</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>How long the condition must hold before the rule fires (0: at once).</summary>
    public TimeSpan Pending { get; init; }

    /// <summary>How long a recovered rule keeps firing before it resolves (flapping guard next to hysteresis).</summary>
    public TimeSpan KeepFiring { get; init; }

    public NoDataPolicy NoData { get; init; } = NoDataPolicy.Keep;

    public required double Threshold { get; init; }
    public required double Recovery { get; init; }

    /// <summary>When set, the measure is this window's value over the same statistic in [start − Baseline, start):
    /// the series' own recent history. When null the threshold is an absolute bound.</summary>
    public TimeSpan? Baseline { get; init; }

    /// <summary>Fewest samples (calls, jobs, blocks) for a measure; below it the evaluation is "no data".</summary>
    public int MinSamples { get; init; } = 5;

    /// <summary>Kind-specific: l2_gas | fee_fri; submitted-completed | assigned-completed | submitted-assigned |
    /// block-interval; success-rate | completion-time; l2-gas | transactions | l2-gas-price; tx_count | l2_gas.</summary>
    public required string Metric { get; init; }

    public string? Contract { get; init; }
    public string? Function { get; init; }

    /// <summary>worker-degradation: compare a worker with its peers (robust spread) or with its own history.</summary>
    public string Against { get; init; } = "peers";

    /// <summary>worker-degradation against peers: the smallest spread used, so identical peers do not make any
    /// difference look infinite (success rate: 0.05; completion time: 2 s, one block of the simulator).</summary>
    public double MinSpread { get; init; }

    /// <summary>network-congestion transactions: the block's transaction limit (Starknet 0.14: 500).</summary>
    public int MaxTransactions { get; init; } = 500;

    /// <summary>usage-anomaly: which side of the expected value counts (up, down or both).</summary>
    public string Direction { get; init; } = "up";

    /// <summary>The file the rule came from, for messages and the API.</summary>
    public string Source { get; init; } = "";

    public static string KindName(RuleKind kind) => kind switch
    {
        RuleKind.GasSpike => "gas-spike",
        RuleKind.SlowExecution => "slow-execution",
        RuleKind.WorkerDegradation => "worker-degradation",
        RuleKind.NetworkCongestion => "network-congestion",
        _ => "usage-anomaly",
    };

    public string KindText => KindName(Kind);
}
