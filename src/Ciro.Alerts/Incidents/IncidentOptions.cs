using System.ComponentModel.DataAnnotations;

namespace Ciro.Alerts.Incidents;

/// <summary>How incidents escalate, inhibit each other and stay quiet; bound from <see cref="SectionName"/> and
/// validated at start with messages naming the key.</summary>
public sealed class IncidentOptions : IValidatableObject
{
    public const string SectionName = "Alerts:Incidents";

    /// <summary>The first policy whose <see cref="EscalationPolicy.Match"/> fits an incident applies to it. An incident
    /// no policy fits gets one notice to every channel's configured recipients and no escalation.</summary>
    public List<EscalationPolicy> EscalationPolicies { get; set; } = [];

    /// <summary>An open critical incident mutes the warning and info incidents whose labels named here are equal to
    /// its own (all labels equal when the list is empty; an incident without labels is never muted). Off when
    /// <see cref="InhibitWarningsUnderCritical"/> is false.</summary>
    public bool InhibitWarningsUnderCritical { get; set; } = true;

    public List<string> InhibitEqual { get; set; } = [];

    /// <summary>Recurring windows (e.g. a nightly maintenance) during which matching incidents open without a notice.</summary>
    public List<MuteTimeWindow> MuteTimeWindows { get; set; } = [];

    /// <summary>How often the escalation timer looks for due steps and acknowledgement timeouts: a step is late by at
    /// most this much.</summary>
    public TimeSpan EscalationSweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Grouping of the notices of incidents no policy takes (the sweep above also flushes due groups).</summary>
    public NotificationGrouping Grouping { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EscalationSweepInterval < TimeSpan.FromMilliseconds(100))
        {
            yield return new ValidationResult($"{SectionName}:EscalationSweepInterval = '{EscalationSweepInterval}' must be at least 100 ms.", [nameof(EscalationSweepInterval)]);
        }
        foreach (var problem in Grouping.Validate($"{SectionName}:Grouping"))
        {
            yield return problem;
        }
        foreach (var (policy, p) in EscalationPolicies.Select((x, i) => (x, i)))
        {
            foreach (var (_, message) in policy.Problems())
            {
                yield return new ValidationResult($"{SectionName}:EscalationPolicies:{p}:{message}", ["EscalationPolicies"]);
            }
        }
        if (EscalationPolicies.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            yield return new ValidationResult($"{SectionName}:EscalationPolicies has two policies named '{duplicate.Key}'.", ["EscalationPolicies"]);
        }
        foreach (var (window, w) in MuteTimeWindows.Select((x, i) => (x, i)))
        {
            var at = $"{SectionName}:MuteTimeWindows:{w}";
            if (!TimeOnly.TryParse(window.Start, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                yield return new ValidationResult($"{at}:Start = '{window.Start}' is not a time of day (HH:mm).", ["MuteTimeWindows"]);
            }
            if (!TimeOnly.TryParse(window.End, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                yield return new ValidationResult($"{at}:End = '{window.End}' is not a time of day (HH:mm).", ["MuteTimeWindows"]);
            }
            if (window.TimeZone is { Length: > 0 } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            {
                yield return new ValidationResult($"{at}:TimeZone = '{zone}' is not a known time zone.", ["MuteTimeWindows"]);
            }
        }
    }

    /// <summary>The policy for an incident with these labels and severity, or null.</summary>
    public EscalationPolicy? PolicyFor(IReadOnlyDictionary<string, string> labels, string severity) =>
        EscalationPolicies.FirstOrDefault(p => p.Matches(labels, severity));

    public EscalationPolicy? Policy(string? name) => name is null ? null : EscalationPolicies.FirstOrDefault(p => p.Name == name);
}

/// <summary>Ordered steps: step 0 goes out when the incident triggers, each next one <see cref="EscalationStep.Delay"/>
/// after the previous while nobody acknowledges; the whole list runs <see cref="Repeat"/> more times.</summary>
public sealed class EscalationPolicy
{
    public string Name { get; set; } = "";

    /// <summary>Labels the incident must carry (key = value; the key "severity" matches the incident's severity). Empty matches all.</summary>
    public Dictionary<string, string> Match { get; set; } = [];

    public List<EscalationStep> Steps { get; set; } = [];

    public int Repeat { get; set; }

    /// <summary>An acknowledged incident still open this long after its acknowledgement triggers again (and escalates
    /// from step 0). Null: an acknowledgement holds until the incident resolves.</summary>
    public TimeSpan? AckTimeout { get; set; }

    /// <summary>Every problem of this policy: the key it is about (<c>Steps:1:Delay</c>) and a message starting with it.
    /// The configuration prefixes both with the policy's key; the API answers with the key as a JSON path. One validator
    /// for both sources.</summary>
    public IEnumerable<(string Key, string Message)> Problems()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return ("Name", "Name is empty.");
        }
        if (Steps.Count == 0)
        {
            yield return ("Steps", $"Steps is empty (policy '{Name}'); a policy needs at least one step.");
        }
        if (Repeat is < 0 or > 100)
        {
            yield return ("Repeat", $"Repeat = '{Repeat}' must be between 0 and 100.");
        }
        if (AckTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            yield return ("AckTimeout", $"AckTimeout = '{timeout}' must be positive.");
        }
        foreach (var (step, s) in Steps.Select((x, i) => (x, i)))
        {
            if (step is null)
            {
                yield return ($"Steps:{s}", $"Steps:{s} is empty; a step has a Delay and Targets.");
                continue;
            }
            if (step.Delay < TimeSpan.Zero || (step.Delay == TimeSpan.Zero && (s < Steps.Count - 1 || Repeat > 0)))
            {
                yield return ($"Steps:{s}:Delay", $"Steps:{s}:Delay = '{step.Delay}' must be positive (it is the wait before the next step).");
            }
            if (step.Targets.Count == 0 || step.Targets.Any(t => t is null || string.IsNullOrWhiteSpace(t.Channel) || t.Recipients.Count == 0))
            {
                yield return ($"Steps:{s}:Targets", $"Steps:{s}:Targets must name at least one target, each with a Channel and at least one recipient.");
            }
        }
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels, string severity) => Match.All(m =>
        m.Key == "severity" ? string.Equals(m.Value, severity, StringComparison.OrdinalIgnoreCase) : labels.TryGetValue(m.Key, out var v) && v == m.Value);
}

public sealed class EscalationStep
{
    /// <summary>Wait after this step before the next one (or before the next round).</summary>
    public TimeSpan Delay { get; set; }

    public List<EscalationTarget> Targets { get; set; } = [];
}

public sealed class EscalationTarget
{
    /// <summary>email, webhook, discord, telegram: the name of a configured channel.</summary>
    public string Channel { get; set; } = "";

    /// <summary>Addresses, chat ids or endpoint names on that channel.</summary>
    public List<string> Recipients { get; set; } = [];
}

/// <summary>A daily window, e.g. 02:00–04:00 on weekdays in Europe/Berlin, for incidents whose labels match.</summary>
public sealed class MuteTimeWindow
{
    public string Name { get; set; } = "";
    public Dictionary<string, string> Match { get; set; } = [];

    /// <summary>Days the window applies on; empty = every day.</summary>
    public List<DayOfWeek> Days { get; set; } = [];

    public string Start { get; set; } = "00:00";
    public string End { get; set; } = "00:00";

    /// <summary>IANA or Windows id; empty = UTC.</summary>
    public string? TimeZone { get; set; }

    /// <summary>Whether <paramref name="at"/> falls in the window (an End before Start crosses midnight).</summary>
    public bool Contains(DateTimeOffset at, IReadOnlyDictionary<string, string> labels)
    {
        if (!Match.All(m => labels.TryGetValue(m.Key, out var v) && v == m.Value))
        {
            return false;
        }
        var zone = string.IsNullOrEmpty(TimeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var start = TimeOnly.Parse(Start, System.Globalization.CultureInfo.InvariantCulture);
        var end = TimeOnly.Parse(End, System.Globalization.CultureInfo.InvariantCulture);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var inside = start <= end ? time >= start && time < end : time >= start || time < end;
        // A window crossing midnight belongs to the day it started on.
        var day = start > end && time < end ? local.AddDays(-1).DayOfWeek : local.DayOfWeek;
        return inside && (Days.Count == 0 || Days.Contains(day));
    }
}
