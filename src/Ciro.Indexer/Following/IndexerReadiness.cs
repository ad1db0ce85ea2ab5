using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ciro.Indexer.Following;

/// <summary>Healthy once the schema is migrated (dependants wait for this) and the follower has talked to
/// the node at least once; unhealthy, with the reason, while halted (another chain, a reorg too deep) — the
/// state the Aspire dashboard shows for the resource.</summary>
public sealed class IndexerReadiness(TimeProvider clock) : IHealthCheck
{
    private readonly TaskCompletionSource _schema = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _indexing;
    private volatile HaltInfo? _halt;

    public sealed record HaltInfo(string Reason, DateTimeOffset Since);

    public void MarkSchemaReady() => _schema.TrySetResult();

    public void MarkIndexing()
    {
        _indexing = true;
        _halt = null;
    }

    /// <summary>Returns false when already halted for the same reason (the caller logs and records only once).</summary>
    public bool Halt(string reason)
    {
        if (_halt?.Reason == reason)
        {
            return false;
        }
        _halt = new HaltInfo(reason, clock.GetUtcNow());
        return true;
    }

    public HaltInfo? Halted => _halt;

    public bool IsIndexing => _indexing;

    public Task WaitForSchemaAsync(CancellationToken ct) => _schema.Task.WaitAsync(ct);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!_schema.Task.IsCompleted ? HealthCheckResult.Unhealthy("schema migrations not applied yet")
            : _halt is { } halt ? HealthCheckResult.Unhealthy($"halted since {halt.Since:u}: {halt.Reason}")
            : _indexing ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded("migrated; waiting for the first answer from the node"));
}
