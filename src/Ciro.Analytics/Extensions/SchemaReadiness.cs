using Ciro.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Ciro.Analytics.Extensions;

/// <summary>
/// The indexer owns the schema and migrates it once at start; analytics only waits until every migration it
/// was built with is applied (its own 1xx tables included), and reports unhealthy until then. Hosted services
/// start before Kestrel, but this one does not block start-up: requests meanwhile get 503 via the health state.
/// </summary>
public sealed class SchemaReadiness(SchemaMigrator migrator, ILogger<SchemaReadiness> logger) : BackgroundService, IHealthCheck
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitAsync(CancellationToken ct) => _ready.Task.WaitAsync(ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logged = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pending = await migrator.GetPendingAsync(stoppingToken);
                if (pending.Count == 0)
                {
                    _ready.TrySetResult();
                    logger.LogInformation("Schema is current");
                    return;
                }
                if (!logged)
                {
                    logger.LogInformation("Waiting for the indexer to apply migrations: {Pending}", string.Join(", ", pending));
                    logged = true;
                }
            }
            catch (NpgsqlException ex)
            {
                logger.LogWarning(ex, "Could not read the schema version; retrying");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready.Task.IsCompleted
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("waiting for the indexer to migrate the schema"));
}
