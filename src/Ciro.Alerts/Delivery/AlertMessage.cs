using Ciro.Alerts.Incidents;

namespace Ciro.Alerts.Delivery;

/// <summary>What one notification says: the incident as it was at the transition, stored with the notification so
/// a retry an hour later sends what was true when the incident changed, not what is true now.</summary>
public sealed record AlertMessage(
    Guid IncidentId, string Rule, string Severity, IncidentTransition Transition, string Summary,
    DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt)
{
    public static AlertMessage From(Incident incident, IncidentTransition transition) => new(
        incident.Id, incident.Rule, incident.Severity, transition, incident.Summary, incident.StartedAt, incident.ResolvedAt);

    public string TransitionName => Transition == IncidentTransition.Firing ? "firing" : "resolved";

    /// <summary>One line for subjects and titles: <c>[CRITICAL] FIRING rule: summary</c> or <c>[RESOLVED] rule: summary</c>.</summary>
    public string Title => Transition == IncidentTransition.Firing
        ? $"[{Severity.ToUpperInvariant()}] FIRING {Rule}: {Summary}"
        : $"[RESOLVED] {Rule}: {Summary}";
}

/// <summary>One notification of the outbox: <paramref name="Message"/> to <paramref name="Recipient"/> over
/// <paramref name="Channel"/>. <paramref name="IdempotencyKey"/> is the same on every attempt, for receivers that
/// deduplicate; <paramref name="Attempt"/> counts from 1.</summary>
public sealed record Notification(long Id, string IdempotencyKey, string Channel, string Recipient, AlertMessage Message, int Attempt);
