using System.Text;
using Ciro.Alerts.Incidents;

namespace Ciro.Alerts.Delivery;

/// <summary>What one notification says: the incident as it was at the transition, stored with the notification so
/// a retry an hour later sends what was true when the incident changed, not what is true now. <see cref="Sequence"/>
/// numbers the incident's transitions: a second escalation step or a re-trigger is a new notification.</summary>
public sealed record AlertMessage(
    Guid IncidentId, string Rule, string Severity, IncidentTransition Transition, string Summary,
    DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt,
    IReadOnlyDictionary<string, string>? Labels = null, string? Observed = null, string? Expected = null,
    DateTimeOffset? Since = null, string? DashboardUrl = null, int Sequence = 0, string? Actor = null, string? Comment = null,
    int EscalationStep = 0, string? GroupKey = null, IReadOnlyList<GroupMember>? Firing = null, IReadOnlyList<GroupMember>? Resolved = null)
{
    public static AlertMessage From(Incident incident, IncidentTransition transition, int sequence = 0, string? actor = null, string? comment = null,
        int escalationStep = 0) => new(
        incident.Id, incident.Rule, incident.Severity, transition, incident.Summary, incident.StartedAt, incident.ResolvedAt,
        incident.Labels, incident.Observed, incident.Expected, incident.Since, incident.DashboardUrl, sequence, actor, comment, escalationStep);

    public string TransitionName => Transition switch
    {
        IncidentTransition.Firing => "firing",
        IncidentTransition.Acknowledged => "acknowledged",
        IncidentTransition.Resolved => "resolved",
        IncidentTransition.Escalated => "escalated",
        IncidentTransition.Grouped => "grouped",
        _ => "retriggered",
    };

    /// <summary>One line for subjects and titles, e.g. <c>[CRITICAL] FIRING rule: summary</c>, <c>[RESOLVED] rule: summary</c>.</summary>
    public string Title => $"{Headline}: {Summary}";

    /// <summary>The title without the summary: <c>[CRITICAL] FIRING rule</c>, <c>[RESOLVED] rule</c>…</summary>
    public string Headline => Transition switch
    {
        IncidentTransition.Firing => $"[{Severity.ToUpperInvariant()}] FIRING {Rule}",
        IncidentTransition.Escalated => $"[{Severity.ToUpperInvariant()}] ESCALATED (step {EscalationStep + 1}) {Rule}",
        IncidentTransition.Retriggered => $"[{Severity.ToUpperInvariant()}] RE-TRIGGERED (acknowledgement timed out) {Rule}",
        IncidentTransition.Acknowledged => $"[ACKNOWLEDGED] {Rule}",
        IncidentTransition.Grouped when Firing is { Count: > 0 } firing => $"[{Severity.ToUpperInvariant()}] FIRING:{firing.Count} {Rule}",
        _ => $"[RESOLVED] {Rule}",
    };

    /// <summary>Where, from the labels that name a place in the system first (contract, function, worker), then the
    /// others by name: <c>contract=0x04…, function=transfer, pool=a</c>.</summary>
    public string Where => WhereOf(Labels ?? new Dictionary<string, string>());

    public static string WhereOf(IReadOnlyDictionary<string, string> labels)
    {
        string[] places = ["contract", "function", "worker"];
        return string.Join(", ", places.Where(labels.ContainsKey).Select(p => $"{p}={labels[p]}")
            .Concat(labels.Where(l => !places.Contains(l.Key)).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
    }

    /// <summary>The facts every chat channel shows (Discord fields, Telegram lines), in this order, each only when known.</summary>
    public IReadOnlyList<AlertFact> Facts()
    {
        var facts = new List<AlertFact>();
        if (Where.Length > 0)
        {
            facts.Add(new AlertFact("Where", Where));
        }
        if (Transition == IncidentTransition.Grouped)
        {
            if (Firing is { Count: > 0 } firing)
            {
                facts.Add(new AlertFact("Firing", string.Join("\n", firing.Select(m => m.Line))));
            }
            if (Resolved is { Count: > 0 } ended)
            {
                facts.Add(new AlertFact("Resolved", string.Join("\n", ended.Select(m => m.Line))));
            }
            return facts;
        }
        if (!string.IsNullOrEmpty(Observed))
        {
            facts.Add(new AlertFact("Observed", Observed));
        }
        if (!string.IsNullOrEmpty(Expected))
        {
            facts.Add(new AlertFact("Expected", Expected));
        }
        facts.Add(new AlertFact("Since", $"{Since ?? StartedAt:yyyy-MM-dd HH:mm:ss} UTC"));
        if (ResolvedAt is { } resolved)
        {
            facts.Add(new AlertFact("Resolved", $"{resolved:yyyy-MM-dd HH:mm:ss} UTC"));
        }
        if (Actor is not null)
        {
            facts.Add(new AlertFact("By", string.IsNullOrEmpty(Comment) ? Actor : $"{Actor}: {Comment}"));
        }
        return facts;
    }

    /// <summary>The actionable body: what, where, observed against expected, since when, who acted, and the dashboard
    /// view of that series and time range.</summary>
    public string Text
    {
        get
        {
            var text = new StringBuilder();
            text.AppendLine(Title).AppendLine();
            if (Transition == IncidentTransition.Grouped)
            {
                text.AppendLine($"Group:     {Where}");
                foreach (var (heading, members) in new[] { ("Firing", Firing), ("Resolved", Resolved) })
                {
                    if (members is { Count: > 0 })
                    {
                        text.AppendLine().AppendLine($"{heading}:");
                        foreach (var member in members)
                        {
                            text.AppendLine($"  {member.Line}");
                        }
                    }
                }
                return text.ToString().TrimEnd();
            }
            text.AppendLine($"What:      {Summary}");
            if (Where.Length > 0)
            {
                text.AppendLine($"Where:     {Where}");
            }
            if (!string.IsNullOrEmpty(Observed))
            {
                text.AppendLine($"Observed:  {Observed}");
            }
            if (!string.IsNullOrEmpty(Expected))
            {
                text.AppendLine($"Expected:  {Expected}");
            }
            text.AppendLine($"Since:     {Since ?? StartedAt:u}");
            text.AppendLine($"Severity:  {Severity}");
            if (ResolvedAt is { } resolved)
            {
                text.AppendLine($"Resolved:  {resolved:u}");
            }
            if (Actor is not null)
            {
                text.AppendLine($"By:        {Actor}{(string.IsNullOrEmpty(Comment) ? "" : $": {Comment}")}");
            }
            if (DashboardUrl is not null)
            {
                text.AppendLine($"Dashboard: {DashboardUrl}");
            }
            text.Append($"Incident:  {IncidentId}");
            return text.ToString();
        }
    }
}

/// <summary>One notification of the outbox: <paramref name="Message"/> to <paramref name="Recipient"/> over
/// <paramref name="Channel"/>. <paramref name="IdempotencyKey"/> is the same on every attempt, for receivers that
/// deduplicate; <paramref name="Attempt"/> counts from 1.</summary>
public sealed record Notification(long Id, string IdempotencyKey, string Channel, string Recipient, AlertMessage Message, int Attempt);

/// <summary>One incident of a group's notification, as it was at the flush.</summary>
public sealed record GroupMember(Guid IncidentId, string Rule, string Severity, string Summary, string Where, DateTimeOffset Since, DateTimeOffset? ResolvedAt)
{
    /// <summary><c>[critical] gas-spike: L2 gas 9x baseline (contract=0xabc, function=transfer) since 2026-11-30 09:00:00Z</c>.</summary>
    public string Line => $"[{Severity}] {Rule}: {Summary}{(Where.Length > 0 ? $" ({Where})" : "")} since {Since:u}{(ResolvedAt is { } r ? $", resolved {r:u}" : "")}";
}

/// <summary>One named fact of a message (Where, Observed, Expected, Since, Resolved, By).</summary>
public sealed record AlertFact(string Name, string Value);

/// <summary>Where an escalation step sends: a channel and one recipient on it.</summary>
public sealed record NotificationTarget(string Channel, string Recipient);
