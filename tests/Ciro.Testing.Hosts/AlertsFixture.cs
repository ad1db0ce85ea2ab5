using Ciro.Alerts.Rules;
using Ciro.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Testing;

/// <summary>The analytics fixture (PostgreSQL, Redis, the analytics API in-process) plus the alerts service in-process,
/// reading that analytics API and sending email to a real SMTP server (<see cref="SmtpCatcher"/>).</summary>
public sealed class AlertsFixture : AnalyticsFixture
{
    /// <summary>The alerts tests' analytics hosts run no report scheduler: Quartz keeps schedulers in a process-wide
    /// repository by name, so hosts started and stopped one after another in this process could stop a scheduler
    /// whose services another host had already disposed (seen as ObjectDisposedException at a host's disposal).
    /// Their per-caller rate limit is lifted: the alerts service reads unauthenticated here (deployed, its key is
    /// exempt, Ciro:Analytics:RateLimitExemptServiceKeys), and a test walking a fake clock evaluates hundreds of times a
    /// real minute; a 429 would have its client's retry wait for Retry-After on that fake clock, for ever.</summary>
    protected override IEnumerable<(string Key, string Value)> AppDefaults =>
        [("Ciro:Reports:Enabled", "false"), ("Ciro:Analytics:RateLimitRequests", "1000000")];

    /// <summary>An empty rules folder.</summary>
    public static string NoRules { get; } = Directory.CreateTempSubdirectory("ciro-no-rules-").FullName;

    /// <summary>The alerts service on <paramref name="database"/> (connected as its own role, as deployed), evaluating every second, mailing <paramref name="smtp"/>
    /// and reading the analytics API through <paramref name="analytics"/> (e.g. <c>App(db).Server.CreateHandler()</c>).</summary>
    public WebApplicationFactory<AlertsOptions> Alerts(NpgsqlDataSource database, SmtpCatcher smtp, HttpMessageHandler analytics,
        params (string Key, string Value)[] settings) => Alerts(database, smtp.ConnectionString, analytics, settings);

    /// <summary>The same, mailing the SMTP server at <paramref name="mail"/> (<c>smtp://host:port</c>), which may be down.</summary>
    public WebApplicationFactory<AlertsOptions> Alerts(NpgsqlDataSource database, string mail, HttpMessageHandler analytics,
        params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<AlertsOptions>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:ciro", DatabaseRoles.ConnectionStringAs(database.ConnectionString, DatabaseRoles.Alerts));
            builder.UseSetting("ConnectionStrings:mail", mail);
            builder.UseSetting("Alerts:EvaluationInterval", "00:00:01");
            // Known chains are days old on the wall clock: tests of the block-age rule turn it on themselves.
            builder.UseSetting("Alerts:PipelineStalled:Enabled", "false");
            // The shipped rule files would fire on a test's hand-made chain: tests of the rule files name their folder.
            builder.UseSetting("Alerts:RulesPath", NoRules);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureTestServices(services => services
                .AddHttpClient<AnalyticsReader>(c => c.BaseAddress = new Uri("http://analytics"))
                .ConfigurePrimaryHttpMessageHandler(() => analytics));
        });
}
