using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// Issue 15: the Aspire dashboard uses its browser-token login, and the run command prints the login URL.
/// scripts/run.sh runs the AppHost with <c>--launch-profile http</c>; this test gives the AppHost that profile's
/// environment as its configuration (only the three ports are replaced by free ones, so it can run beside a stack),
/// starts it with the Aspire dashboard (the testing builder's own dashboard switch is not used: it forces the token
/// login on whatever the AppHost says) and nothing else (every resource is removed before the build: the login is the
/// dashboard's and the AppHost's configuration, not the services'), reads the login URL the AppHost logs, and then,
/// as a browser would over HTTP: an anonymous request for a page is sent to the login page, a wrong token signs in
/// nobody, the printed URL sets the dashboard's cookie and with it the page answers 200.
/// </summary>
public sealed class AspireDashboardLoginTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"ciro-aspire-dashboard-{Guid.NewGuid():N}");

    [Fact]
    public async Task The_dashboard_refuses_an_anonymous_browser_and_signs_in_the_one_with_the_printed_login_url()
    {
        var launchSettings = Path.Combine(BrowserScript.RepoRoot, "src", "CiroAspire.AppHost", "Properties", "launchSettings.json");
        var profile = JsonDocument.Parse(await File.ReadAllTextAsync(launchSettings)).RootElement.GetProperty("profiles").GetProperty("http");
        var args = new List<string> { "--Ciro:Infrastructure=local", $"--Ciro:DataDirectory={_dataDirectory}" };
        foreach (var variable in profile.GetProperty("environmentVariables").EnumerateObject())
        {
            args.Add($"--{variable.Name}={WithFreePort(variable.Value.GetString()!)}");
        }
        args.Add($"--ASPNETCORE_URLS={WithFreePort(profile.GetProperty("applicationUrl").GetString()!)}");
        output.WriteLine(string.Join(' ', args));

        var logged = new ConcurrentQueue<string>();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CiroAspire_AppHost>(
            [.. args], (options, _) => options.DisableDashboard = false);
        builder.Services.AddLogging(logging => logging.AddProvider(new CapturingLoggerProvider(logged)));
        foreach (var resource in builder.Resources.ToList())
        {
            builder.Resources.Remove(resource);
        }
        await using var app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await app.StartAsync(cts.Token);

        // The line `dotnet run` prints: "Login to the dashboard at http://localhost:<port>/login?t=<token>".
        // A dashboard that lets anyone in prints no login URL: once the AppHost says it has started (and a moment
        // more), the line must be there.
        Match Login() => Regex.Match(string.Join('\n', logged), @"Login to the dashboard at (?<url>(?<base>https?://[^/\s]+)/login\?t=(?<token>[0-9a-f]+))");
        while (!Login().Success && !logged.Any(l => l.StartsWith("Distributed application started", StringComparison.Ordinal)))
        {
            await Task.Delay(200, cts.Token);
        }
        for (var i = 0; i < 25 && !Login().Success; i++)
        {
            await Task.Delay(200, cts.Token);
        }
        var login = Login();
        Assert.True(login.Success, "the AppHost printed no dashboard login URL:\n" + string.Join('\n', logged.Where(l => l.Contains("dashboard", StringComparison.OrdinalIgnoreCase))));
        var dashboard = new Uri(login.Groups["base"].Value);
        var token = login.Groups["token"].Value;
        output.WriteLine($"printed: {dashboard}login?t=<{token.Length} hex digits>");
        // On loopback, over HTTP (the profile's scheme); the port is the testing builder's (it randomises endpoints).
        Assert.Equal(("http", "localhost"), (dashboard.Scheme, dashboard.Host));

        // A browser without the cookie: no redirects followed, no cookies kept between requests but the ones we pass.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = dashboard };
        using var anonymous = await WhenUpAsync(() => http.GetAsync("/structuredlogs", cts.Token), cts.Token);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal(dashboard + "login?returnUrl=%2Fstructuredlogs", Target(dashboard, anonymous));

        // A wrong token sets no cookie: still sent to the login page.
        using var wrong = await http.GetAsync($"/login?t={new string('0', token.Length)}", cts.Token);
        var wrongCookies = Cookies(wrong);
        Assert.DoesNotContain(".Aspire.Dashboard.Auth.", wrongCookies, StringComparison.Ordinal);
        using var afterWrong = await http.SendAsync(WithCookies("/structuredlogs", wrongCookies), cts.Token);
        Assert.Equal(HttpStatusCode.Redirect, afterWrong.StatusCode);
        Assert.Equal(dashboard + "login?returnUrl=%2Fstructuredlogs", Target(dashboard, afterWrong));

        // The printed URL: a redirect into the dashboard with its auth cookie, and the page answers 200 with it.
        using var signIn = await http.GetAsync($"/login?t={token}", cts.Token);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(dashboard.ToString(), Target(dashboard, signIn));
        var cookies = Cookies(signIn);
        // The cookie is named per dashboard (".Aspire.Dashboard.Auth.Http.<app>-<hash>").
        Assert.Contains(cookies.Split("; "), c => c.StartsWith(".Aspire.Dashboard.Auth.", StringComparison.Ordinal));
        using var page = await http.SendAsync(WithCookies("/structuredlogs", cookies), cts.Token);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var home = await http.SendAsync(WithCookies("/", cookies), cts.Token);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    /// <summary>The URL with its port replaced by a free one (the profile's fixed ports are run.sh's).</summary>
    private static string WithFreePort(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return value;
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return new UriBuilder(uri) { Port = port }.Uri.ToString().TrimEnd('/');
    }

    /// <summary>Where a redirect goes, absolute (the dashboard writes absolute or relative locations).</summary>
    private static string? Target(Uri dashboard, HttpResponseMessage response) =>
        response.Headers.Location is { } location ? new Uri(dashboard, location).ToString() : null;

    private static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : []);

    private static HttpRequestMessage WithCookies(string path, string cookies)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookies.Length > 0)
        {
            request.Headers.Add("Cookie", cookies);
        }
        return request;
    }

    /// <summary>The dashboard process starts after the AppHost logs its URL: retried while nothing listens yet.</summary>
    private static async Task<HttpResponseMessage> WhenUpAsync(Func<Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return await send();
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250, ct);
            }
        }
    }

    public void Dispose() => OwnStack.DeleteDataDirectory(_dataDirectory);

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
