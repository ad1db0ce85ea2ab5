using Ciro.Analytics.Queries;
using Ciro.LocalInfrastructure;
using Ciro.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Xunit;

namespace Ciro.Testing;

/// <summary>
/// One PostgreSQL and one Redis server for a test collection; each test takes a database of its own (migrated, with
/// the blocks it asks for) and runs the real analytics API in-process on it. A test is then a few lines:
/// <code>
/// await using var db = await fixture.NewDatabaseAsync(KnownChain.Standard().Blocks);
/// await using var app = fixture.App(db);
/// var answer = await app.CreateClient().GetAsync("/api/...");
/// </code>
/// </summary>
public class AnalyticsFixture : IAsyncLifetime
{
    public LocalPostgres Postgres { get; private set; } = null!;
    public LocalRedis Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Postgres = await LocalPostgres.StartAsync();
        Redis = await LocalRedis.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Redis.Dispose();
        await Postgres.DisposeAsync();
    }

    /// <summary>A fresh database with every migration applied (the indexer's and ours), holding <paramref name="blocks"/>.</summary>
    public async Task<NpgsqlDataSource> NewDatabaseAsync(IEnumerable<KnownChain.Block>? blocks = null)
    {
        var dataSource = await Postgres.CreateMigratedDatabaseAsync();
        if (blocks is not null)
        {
            await KnownChain.InsertAsync(dataSource, blocks);
        }
        return dataSource;
    }

    /// <summary>Settings every analytics host of this fixture gets before a test's own.</summary>
    protected virtual IEnumerable<(string Key, string Value)> AppDefaults => [];

    /// <summary>The analytics API on <paramref name="database"/> (connected as its own role, as deployed) and this
    /// fixture's Redis; <paramref name="settings"/> override its configuration.</summary>
    public WebApplicationFactory<AnalyticsQueries> App(NpgsqlDataSource database, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<AnalyticsQueries>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:ciro", DatabaseRoles.ConnectionStringAs(database.ConnectionString, DatabaseRoles.Analytics));
            builder.UseSetting("ConnectionStrings:cache", Redis.ConnectionString);
            builder.UseSetting("Ciro:Analytics:LeaderboardMinSamples", "1");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in AppDefaults.Concat(settings))
            {
                builder.UseSetting(key, value);
            }
        });
}
