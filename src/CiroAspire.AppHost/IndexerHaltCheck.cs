using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CiroAspire.AppHost;

/// <summary>
/// Puts the indexer's halt reason in the Aspire dashboard. The indexer's /health answers a status code only
/// (nothing about the chain is exposed without a key), so the HTTP health check alone shows "503" for a halt;
/// this second check reads GET /admin/status and reports "Indexing halted since …: reason" as the resource's
/// health description.
/// </summary>
internal sealed class IndexerHaltCheck(IHttpClientFactory httpClients, Func<Uri> indexerUrl, ParameterResource adminKey) : IHealthCheck
{
    public const string HttpClientName = "indexer-halt-check";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var http = httpClients.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(indexerUrl(), "/admin/status"));
            request.Headers.Add("X-Api-Key", await adminKey.GetValueAsync(cancellationToken));
            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            var status = await response.Content.ReadFromJsonAsync<Status>(cancellationToken);
            return status switch
            {
                { State: "halted" } => HealthCheckResult.Unhealthy($"Indexing halted since {status.Since:u}: {status.Reason}"),
                // Starting counts as healthy here: whether the dependants may start is /health's call (schema migrated).
                _ => HealthCheckResult.Healthy($"not halted ({status?.State})"),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy($"indexer status not readable: {ex.Message}");
        }
    }

    private sealed record Status(string State, string? Reason, DateTimeOffset? Since);
}

internal static class IndexerHaltCheckExtensions
{
    /// <summary>Adds <see cref="IndexerHaltCheck"/> to the indexer's health checks (beside /health).</summary>
    public static IResourceBuilder<ProjectResource> WithHaltReport(this IResourceBuilder<ProjectResource> indexer, IResourceBuilder<ParameterResource> adminKey)
    {
        var name = $"{indexer.Resource.Name}_halt_check";
        var endpoint = indexer.GetEndpoint("http");
        indexer.ApplicationBuilder.Services.AddHttpClient(IndexerHaltCheck.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(5));
        indexer.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(name,
            sp => new IndexerHaltCheck(sp.GetRequiredService<IHttpClientFactory>(), () => new Uri(endpoint.Url), adminKey.Resource),
            failureStatus: null, tags: null));
        return indexer.WithHealthCheck(name);
    }
}
