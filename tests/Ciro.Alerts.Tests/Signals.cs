using Ciro.Alerts.Incidents;
using Ciro.Messages;

namespace Ciro.Alerts.Tests;

/// <summary>Signals as a rule would send them, for tests that drive the incident store directly.</summary>
public static class Signals
{
    public static AlertSignal Of(string rule, IncidentSeverity severity, string summary, IReadOnlyDictionary<string, string>? labels = null,
        string observed = "412,000 L2 gas per call", string expected = "≤ 120,000 L2 gas per call") =>
        new(rule, "gas-spike", severity, labels ?? new Dictionary<string, string>(), summary, observed, expected,
            new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero), $"http://localhost/gas?rule={rule}");
}
