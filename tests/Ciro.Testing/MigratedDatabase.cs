using Ciro.LocalInfrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Ciro.Testing;

public static class MigratedDatabase
{
    /// <summary>A fresh database on <paramref name="server"/> with every migration applied, as the indexer leaves it at start.</summary>
    public static async Task<NpgsqlDataSource> CreateMigratedDatabaseAsync(this LocalPostgres server)
    {
        var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        await new Ciro.Storage.SchemaMigrator(dataSource, NullLogger<Ciro.Storage.SchemaMigrator>.Instance).MigrateAsync();
        return dataSource;
    }
}
