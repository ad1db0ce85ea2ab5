using System.Text.Json;

namespace Ciro.Web.Live;

/// <summary>The web tier reads numbers only through the analytics API, never from the database.</summary>
public sealed class AnalyticsClient(HttpClient http)
{
    /// <summary>The jobs-per-minute document as analytics serialises it (passed through, not re-modelled).</summary>
    public async Task<JsonElement?> GetJobsActivityAsync(int minutes, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/api/activity/jobs?minutes={minutes}", ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        return document.RootElement.Clone();
    }
}
