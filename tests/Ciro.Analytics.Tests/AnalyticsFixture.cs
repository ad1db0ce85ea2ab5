using Ciro.LocalInfrastructure;
using Ciro.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>One PostgreSQL and one Redis server for the whole test run; each test gets its own database.</summary>
public sealed class AnalyticsFixture : IAsyncLifetime
{
    public LocalPostgres Postgres { get; private set; } = null!;
    public LocalRedis Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Postgres = await LocalPostgres.StartAsync();
        Redis = await LocalRedis.StartAsync();
    }

    public Task DisposeAsync()
    {
        Postgres.Dispose();
        Redis.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A fresh database with every migration applied (the indexer's and ours).</summary>
    public Task<NpgsqlDataSource> NewDatabaseAsync() => Postgres.CreateMigratedDatabaseAsync();

    public WebApplicationFactory<Program> App(NpgsqlDataSource dataSource, params (string Key, string Value)[] settings)
    {
        return new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:ciro", dataSource.ConnectionString);
            builder.UseSetting("ConnectionStrings:cache", Redis.ConnectionString);
            builder.UseSetting("Ciro:Analytics:LeaderboardMinSamples", "1");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
    }
}

[CollectionDefinition(Name)]
public sealed class AnalyticsCollection : ICollectionFixture<AnalyticsFixture>
{
    public const string Name = "analytics";
}
