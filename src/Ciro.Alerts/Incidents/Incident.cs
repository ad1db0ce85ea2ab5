namespace Ciro.Alerts.Incidents;

public sealed record Incident(
    Guid Id, string Rule, string Severity, string State, string Summary, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt);

public enum IncidentTransition
{
    Firing,
    Resolved,
}
