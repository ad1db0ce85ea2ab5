using System.ComponentModel.DataAnnotations;

namespace Ciro.Alerts.Incidents;

/// <summary>Alertmanager's grouping for incidents no escalation policy takes, bound from
/// <c>Alerts:Incidents:Grouping</c>: incidents with equal <see cref="GroupBy"/> labels are announced together, one
/// notification per group listing its firing and newly resolved incidents. Off while <see cref="GroupBy"/> is empty.</summary>
public sealed class NotificationGrouping
{
    /// <summary>Label names whose values form the group (the name <c>rule</c> means the incident's rule). An incident
    /// without one of them groups under an empty value, as in Alertmanager.</summary>
    public List<string> GroupBy { get; set; } = [];

    /// <summary>How long a new group waits for more incidents before its first notification.</summary>
    public TimeSpan GroupWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after a group's notification the next one may go out when incidents joined or resolved.</summary>
    public TimeSpan GroupInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after a notification the group is announced again while nothing changed.</summary>
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromHours(4);

    public bool Enabled => GroupBy.Count > 0;

    /// <summary>The group of an incident: its key (<c>contract="0xabc",rule="gas-spike"</c>, names in configuration
    /// order) and the labels it is made of.</summary>
    public (string Key, Dictionary<string, string> Labels) GroupOf(Incident incident)
    {
        var labels = GroupBy.ToDictionary(name => name, name => name == "rule" ? incident.Rule : incident.Labels.GetValueOrDefault(name, ""), StringComparer.Ordinal);
        return (string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\"")), labels);
    }

    public IEnumerable<ValidationResult> Validate(string at)
    {
        foreach (var (name, value) in new[] { (nameof(GroupWait), GroupWait), (nameof(GroupInterval), GroupInterval), (nameof(RepeatInterval), RepeatInterval) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"{at}:{name} = '{value}' must be positive.", ["Grouping"]);
            }
        }
        if (RepeatInterval < GroupInterval)
        {
            yield return new ValidationResult($"{at}:RepeatInterval = '{RepeatInterval}' must be at least GroupInterval = '{GroupInterval}'.", ["Grouping"]);
        }
        foreach (var (name, i) in GroupBy.Select((x, i) => (x, i)))
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                yield return new ValidationResult($"{at}:GroupBy:{i} is empty.", ["Grouping"]);
            }
        }
        if (GroupBy.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            yield return new ValidationResult($"{at}:GroupBy names '{twice.Key}' twice.", ["Grouping"]);
        }
    }
}
