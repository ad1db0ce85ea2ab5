
namespace Ciro.Alerts.Rules;

/// <summary>What the rules ask the analytics API: the newest event of a name and the chain head; the pipeline's status.</summary>
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

    public async Task<PipelineStatus> GetPipelineStatusAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<PipelineStatus>("/api/pipeline/status", ct)
            ?? throw new HttpRequestException("analytics answered /api/pipeline/status with an empty body");
}

/// <summary>GET /api/pipeline/status of Ciro.Analytics.</summary>
public sealed record PipelineStatus(string IndexerState, string? Reason, DateTimeOffset? Since, long? NewestBlock,
    DateTimeOffset? NewestBlockTime, double? NewestBlockAgeSeconds, DateTimeOffset CheckedAt);

public sealed record LastEvent(string Name, long HeadBlock, DateTimeOffset HeadTime, long? BlockNumber, DateTimeOffset? BlockTime);
