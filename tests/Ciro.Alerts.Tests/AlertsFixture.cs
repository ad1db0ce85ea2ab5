using Ciro.LocalInfrastructure;
using Ciro.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>Real PostgreSQL (migrated), real Redis, the real analytics API in-process, and a real SMTP server.</summary>
public sealed class AlertsFixture : IAsyncLifetime
{
    public LocalPostgres Postgres { get; private set; } = null!;
    public LocalRedis Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Postgres = await LocalPostgres.StartAsync();
        Redis = await LocalRedis.StartAsync();
    }

    /// <summary>A fresh migrated database, for one test.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        await using var dataSource = await Postgres.CreateMigratedDatabaseAsync();
        return dataSource.ConnectionString;
    }

    public WebApplicationFactory<Ciro.Analytics.Queries.AnalyticsQueries> Analytics(string database) =>
        new WebApplicationFactory<Ciro.Analytics.Queries.AnalyticsQueries>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:ciro", database)
            .UseSetting("ConnectionStrings:cache", Redis.ConnectionString));

    public WebApplicationFactory<Rules.AlertsOptions> Alerts(string database, SmtpCatcher smtp, HttpMessageHandler analytics,
        params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Rules.AlertsOptions>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:ciro", database);
            b.UseSetting("ConnectionStrings:mail", smtp.ConnectionString);
            b.UseSetting("Alerts:EvaluationInterval", "00:00:01");
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
            b.ConfigureTestServices(services => services
                .AddHttpClient<Rules.AnalyticsReader>(c => c.BaseAddress = new Uri("http://analytics"))
                .ConfigurePrimaryHttpMessageHandler(() => analytics));
        });

    public async Task DisposeAsync()
    {
        Redis.Dispose();
        await Postgres.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AlertsCollection : ICollectionFixture<AlertsFixture>
{
    public const string Name = "alerts";
}
