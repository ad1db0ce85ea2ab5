using Ciro.LocalInfrastructure;

namespace Ciro.Indexer.Tests.Infrastructure;

/// <summary>One throwaway PostgreSQL server per test class; each test takes a fresh database on it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public LocalPostgres Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await LocalPostgres.StartAsync();

    public Task<string> NewDatabaseAsync() => Server.CreateDatabaseAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
