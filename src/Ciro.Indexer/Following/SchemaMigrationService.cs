using Ciro.Storage;

namespace Ciro.Indexer.Following;

/// <summary>The indexer owns the schema: it migrates once at start, before it (and, through its health
/// check, every dependant service) touches the tables. Retries while PostgreSQL is not reachable yet.</summary>
public sealed class SchemaMigrationService(SchemaMigrator migrator, IndexerReadiness readiness, ILogger<SchemaMigrationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await migrator.MigrateAsync(stoppingToken);
                readiness.MarkSchemaReady();
                return;
            }
            catch (Npgsql.NpgsqlException ex)
            {
                logger.LogWarning(ex, "Schema migration failed; retrying in {Delay}", delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }
    }
}
