using System.Net.Http.Json;

namespace Ciro.Alerts.Rules;

/// <summary>What the rules ask the analytics API: the newest event of a name and the chain head.</summary>
public sealed class AnalyticsReader(HttpClient http)
{
    public async Task<LastEvent?> GetLastEventAsync(string name, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/api/events/last?name={Uri.EscapeDataString(name)}", ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null; // nothing indexed yet: "no data" is not "no events"
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<LastEvent>(ct);
    }
}

public sealed record LastEvent(string Name, long HeadBlock, DateTimeOffset HeadTime, long? BlockNumber, DateTimeOffset? BlockTime);
