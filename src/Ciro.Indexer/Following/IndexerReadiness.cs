using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ciro.Indexer.Following;

/// <summary>Healthy once the schema is migrated (dependants wait for this) and the follower has talked to
/// the node at least once.</summary>
public sealed class IndexerReadiness : IHealthCheck
{
    private readonly TaskCompletionSource _schema = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _indexing;

    public void MarkSchemaReady() => _schema.TrySetResult();

    public void MarkIndexing() => _indexing = true;

    public Task WaitForSchemaAsync(CancellationToken ct) => _schema.Task.WaitAsync(ct);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!_schema.Task.IsCompleted
            ? HealthCheckResult.Unhealthy("schema migrations not applied yet")
            : _indexing ? HealthCheckResult.Healthy() : HealthCheckResult.Degraded("migrated; waiting for the first answer from the node"));
}
