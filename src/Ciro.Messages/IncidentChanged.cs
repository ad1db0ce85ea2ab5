using System.Text.Json.Serialization;

namespace Ciro.Messages;

/// <summary>An incident was opened or changed state.</summary>
/// <param name="IncidentId">The incident (stable across its states).</param>
/// <param name="State">Its state after the change.</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Rule">Name of the rule that raised it.</param>
/// <param name="Labels">The rule's labels (contract, function, worker…): at most 16, keys at most 32 characters,
/// values at most 80, so the largest message stays within PostgreSQL's NOTIFY limit.</param>
/// <param name="At">When the change happened (ISO-8601, UTC).</param>
public sealed record IncidentChanged(
    Guid IncidentId,
    IncidentState State,
    IncidentSeverity Severity,
    string Rule,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset At) : CiroMessage
{
    public const int MaxLabels = 16;
    public const int MaxLabelKeyLength = 32;
    public const int MaxLabelValueLength = 80;
    public const int MaxRuleLength = 64;
}

/// <summary>Where an incident is in its lifecycle.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<IncidentState>))]
public enum IncidentState
{
    /// <summary>The rule's condition holds and nobody has acknowledged it.</summary>
    Firing,

    /// <summary>An operator took it; escalation stops.</summary>
    Acknowledged,

    /// <summary>The condition stopped holding, or an operator resolved it.</summary>
    Resolved,
}

/// <summary>How urgent an incident is.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<IncidentSeverity>))]
public enum IncidentSeverity
{
    /// <summary>Act now.</summary>
    Critical,

    /// <summary>Look soon.</summary>
    Warning,

    /// <summary>For the record.</summary>
    Info,
}
