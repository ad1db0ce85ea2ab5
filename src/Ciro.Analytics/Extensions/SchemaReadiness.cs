using Ciro.Storage;
using Npgsql;

namespace Ciro.Analytics.Extensions;

/// <summary>Applies migrations (ours are 1xx) before the server accepts requests: hosted services start before
/// Kestrel, so no request meets a missing ciro.api_keys. Retries while PostgreSQL is still coming up.</summary>
public sealed class SchemaMigrationService(SchemaMigrator migrator, ILogger<SchemaMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await migrator.MigrateAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (attempt < 30)
            {
                logger.LogWarning(ex, "Migrations failed (attempt {Attempt}); retrying", attempt);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
