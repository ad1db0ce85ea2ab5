using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Alerts.Tests;

public static class AlertsHosts
{
    /// <summary>The alerts service on <paramref name="database"/>, started, with <paramref name="settings"/> and, when
    /// given, <paramref name="clock"/> as its <see cref="TimeProvider"/> (the dispatcher's retries, limits and breakers).</summary>
    public static WebApplicationFactory<Rules.AlertsOptions> Started(this AlertsFixture fixture, NpgsqlDataSource database,
        WebApplicationFactory<Analytics.Queries.AnalyticsQueries> analytics, SmtpCatcher smtp, TimeProvider? clock, params (string Key, string Value)[] settings)
    {
        var host = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(), settings)
            .WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            {
                if (clock is not null)
                {
                    services.AddSingleton(clock);
                }
            }));
        _ = host.Server;
        return host;
    }
}
