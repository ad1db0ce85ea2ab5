namespace Ciro.Messages.Tests;

/// <summary>One message of each type with every field set to a value no default could produce.</summary>
public static class SampleMessages
{
    public static readonly BlocksCommitted Blocks = new(1_234_567, 1_234_591, new DateTimeOffset(2026, 3, 2, 10, 15, 42, TimeSpan.Zero));
    public static readonly Reorg Reorg = new(777_001, 3, ReorgReason.Reindex);
    public static readonly Resync Resync = new(ResyncReason.UnreadableNotification);
    public static readonly IncidentChanged Incident = new(
        Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff"), IncidentState.Acknowledged, IncidentSeverity.Warning, "gas-spike",
        new Dictionary<string, string> { ["contract"] = "0x049d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7", ["function"] = "submit_job_result", ["région"] = "Zürich ☃" },
        new DateTimeOffset(2026, 3, 2, 10, 16, 0, 123, TimeSpan.Zero));
    public static readonly KpiInvalidated Kpi = new(KpiFamily.Workers,
        new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 11, 0, 0, TimeSpan.Zero));

    /// <summary>Every type of <see cref="MessageChannels.All"/>, in its order.</summary>
    public static IReadOnlyList<CiroMessage> All { get; } = [Blocks, Reorg, Resync, Incident, Kpi];

    /// <summary>The largest incident message the documented limits allow: every label at its longest, in 3-byte
    /// UTF-8 characters.</summary>
    public static IncidentChanged LargestIncident()
    {
        var labels = Enumerable.Range(0, IncidentChanged.MaxLabels).ToDictionary(
            i => $"{i:D2}" + new string('€', IncidentChanged.MaxLabelKeyLength - 2),
            _ => new string('€', IncidentChanged.MaxLabelValueLength));
        return new IncidentChanged(Guid.NewGuid(), IncidentState.Resolved, IncidentSeverity.Critical,
            new string('€', IncidentChanged.MaxRuleLength), labels, DateTimeOffset.MaxValue.ToOffset(TimeSpan.Zero));
    }

    /// <summary>Asserts every field of <paramref name="actual"/> equals <paramref name="expected"/>'s (records
    /// compare dictionaries by reference, so each field is compared here).</summary>
    public static void AssertSame(CiroMessage expected, CiroMessage actual)
    {
        Assert.IsType(expected.GetType(), actual);
        switch (expected, actual)
        {
            case (BlocksCommitted e, BlocksCommitted a):
                Assert.Equal(e.From, a.From);
                Assert.Equal(e.To, a.To);
                Assert.Equal(e.HeadTime, a.HeadTime);
                break;
            case (Reorg e, Reorg a):
                Assert.Equal(e.FromBlock, a.FromBlock);
                Assert.Equal(e.Depth, a.Depth);
                Assert.Equal(e.Reason, a.Reason);
                break;
            case (Resync e, Resync a):
                Assert.Equal(e.Reason, a.Reason);
                break;
            case (IncidentChanged e, IncidentChanged a):
                Assert.Equal(e.IncidentId, a.IncidentId);
                Assert.Equal(e.State, a.State);
                Assert.Equal(e.Severity, a.Severity);
                Assert.Equal(e.Rule, a.Rule);
                Assert.Equal(e.Labels.OrderBy(l => l.Key), a.Labels.OrderBy(l => l.Key));
                Assert.Equal(e.At, a.At);
                break;
            case (KpiInvalidated e, KpiInvalidated a):
                Assert.Equal(e.Family, a.Family);
                Assert.Equal(e.From, a.From);
                Assert.Equal(e.To, a.To);
                break;
            default:
                Assert.Fail($"No field comparison for {expected.GetType().Name}: add one here.");
                break;
        }
    }
}
