namespace Ciro.Alerts.Incidents;

/// <summary>One incident: an episode of a rule's condition on one series (<see cref="DedupKey"/>), from its trigger
/// to its resolution. <see cref="State"/> is firing (triggered, not acknowledged), acknowledged or resolved.</summary>
public sealed record Incident(
    Guid Id,
    string DedupKey,
    string Rule,
    string RuleKind,
    string Severity,
    string State,
    string Summary,
    IReadOnlyDictionary<string, string> Labels,
    string Observed,
    string Expected,
    string? DashboardUrl,
    DateTimeOffset Since,
    DateTimeOffset StartedAt,
    DateTimeOffset LastSeenAt,
    int Repeats,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    string? EscalationPolicy,
    int EscalationStep,
    DateTimeOffset? NextEscalationAt,
    string? SuppressedBy);

/// <summary>What a notification announces.</summary>
public enum IncidentTransition
{
    Firing,
    Acknowledged,
    Resolved,
    Escalated,
    Retriggered,

    /// <summary>A group's notification: its firing and newly resolved incidents (<see cref="NotificationGrouping"/>).</summary>
    Grouped,
}

/// <summary>One line of an incident's timeline: a transition (who, comment) or a delivery attempt (channel, target, error).</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string Actor, string? Comment, string? Channel, string? Target, bool? Succeeded, int? Attempt);
