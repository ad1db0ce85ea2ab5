using Ciro.Alerts.Incidents;
using Ciro.Messages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ciro.Alerts.Tests;

/// <summary>Opens incidents through the real store, as a rule would: the incident and its routed notifications
/// commit together.</summary>
public static class TestIncidents
{
    public static async Task<Incident> OpenAsync<T>(WebApplicationFactory<T> alerts, string rule, IncidentSeverity severity, string summary,
        IReadOnlyDictionary<string, string> labels, DateTimeOffset since, string observed = "", string expected = "", string? dashboardUrl = null)
        where T : class
    {
        var store = alerts.Services.GetRequiredService<IncidentStore>();
        var (incident, opened) = await store.OpenOrRepeatAsync(new AlertSignal(rule, "gas-spike", severity, labels, summary, observed, expected, since, dashboardUrl), default);
        Assert.True(opened, $"incident {rule} was open already");
        return incident;
    }
}
