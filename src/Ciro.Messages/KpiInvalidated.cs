using System.Text.Json.Serialization;

namespace Ciro.Messages;

/// <summary>KPIs of one family over [from, to) were recomputed: views showing that range should refetch.</summary>
/// <param name="Family">Which KPIs (the <c>/api/kpi/{family}</c> routes of the analytics API).</param>
/// <param name="From">Start of the recomputed range (inclusive, ISO-8601, UTC).</param>
/// <param name="To">End of the recomputed range (exclusive, ISO-8601, UTC).</param>
public sealed record KpiInvalidated(KpiFamily Family, DateTimeOffset From, DateTimeOffset To) : CiroMessage;

/// <summary>A family of KPIs, named as its analytics API route.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<KpiFamily>))]
public enum KpiFamily
{
    /// <summary>Gas and fees per contract function.</summary>
    Gas,

    /// <summary>Blocks, transactions, reverts, gas prices.</summary>
    Network,

    /// <summary>Block inclusion intervals and job lifecycle stage times.</summary>
    Timing,

    /// <summary>Worker performance and the leaderboard.</summary>
    Workers,

    /// <summary>Contract usage and busiest hours.</summary>
    Usage,
}
