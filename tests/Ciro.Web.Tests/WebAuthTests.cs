using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Web.Auth;
using Ciro.Web.Extensions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Ciro.Web.Tests;

/// <summary>The web tier's sign-in, session cookie, allow-listed proxy, roles, anti-forgery, security headers and
/// hub authentication, over real HTTP on loopback.</summary>
[Collection(WebCollection.Name)]
public sealed class WebAuthTests(WebFixture fixture) : IAsyncLifetime
{
    private WebApplicationFactory<Program> _web = null!;

    public Task InitializeAsync()
    {
        _web = fixture.Web();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _web.DisposeAsync();

    [Fact]
    public async Task Signed_out_callers_get_401_on_api_routes_listed_or_not_and_nothing_reaches_a_backend()
    {
        using var http = Client();
        var before = fixture.Calls.Count;
        foreach (var path in new[] { "/api/blocks/latest", "/api/admin/keys", "/api/no/such/thing", "/auth/session" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Sign in first", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        }
        using var ack = await http.PostAsync($"/api/alerts/incidents/{Guid.NewGuid()}/ack", JsonContent.Create(new { comment = "x" }));
        Assert.Equal(HttpStatusCode.Unauthorized, ack.StatusCode);
        Assert.Equal(before, fixture.Calls.Count);
    }

    [Fact]
    public async Task A_wrong_password_or_an_unknown_user_is_401_and_counted_by_reason()
    {
        using var failures = new MetricCollector<long>(_web.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            Live.LiveMetrics.MeterName, "ciro.web.sign_in_failures");
        using var http = Client();

        using var wrong = await http.PostAsJsonAsync("/auth/login", new { userName = WebFixture.Viewer.Name, password = "not-her-password" });
        using var unknown = await http.PostAsJsonAsync("/auth/login", new { userName = "mallory", password = WebFixture.Viewer.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("Wrong user name or password", (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.DoesNotContain(wrong.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith(AuthExtensions.SessionCookie)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/auth/session")).StatusCode);

        var measured = failures.GetMeasurementSnapshot();
        Assert.Equal(2, measured.Count);
        Assert.Equal(["unknown_user", "wrong_password"], measured.Select(m => (string)m.Tags["reason"]!).Order());

        var session = await SignInAsync(http, WebFixture.Viewer);
        Assert.Equal(WebFixture.Viewer.Role, session.Role);
        Assert.Equal(2, failures.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task Bad_sign_in_input_is_400_naming_the_field()
    {
        using var http = Client();
        using var response = await http.PostAsJsonAsync("/auth/login", new { userName = "", password = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("userName", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_and_SameSite_strict_and_logout_ends_it()
    {
        using var http = Client();
        using var login = await http.PostAsJsonAsync("/auth/login", new { userName = WebFixture.Viewer.Name, password = WebFixture.Viewer.Password });
        login.EnsureSuccessStatusCode();
        var cookie = login.Headers.GetValues("Set-Cookie").Single(v => v.StartsWith(AuthExtensions.SessionCookie + "="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires=", cookie, StringComparison.OrdinalIgnoreCase); // a browser-session cookie
        var session = (await login.Content.ReadFromJsonAsync<SessionInfo>())!;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/auth/session")).StatusCode);

        using var noToken = await http.PostAsync("/auth/logout", null);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/auth/session")).StatusCode);

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.Add(AuthExtensions.AntiforgeryHeader, session.AntiforgeryToken);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(logout)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/auth/session")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/blocks/latest")).StatusCode);
    }

    [Fact]
    public async Task A_viewer_reads_with_the_viewer_key_and_her_name_but_may_not_ack()
    {
        using var http = Client();
        var session = await SignInAsync(http, WebFixture.Viewer);

        using var read = await http.GetAsync("/api/blocks/7/summary?detail=1");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var call = fixture.Calls.Last(c => c.User == WebFixture.Viewer.Name);
        Assert.Equal(new BackendCall("analytics", "GET", "/api/blocks/7/summary?detail=1", WebFixture.ViewerKey, WebFixture.Viewer.Name, null), call);

        var before = fixture.Calls.Count;
        using var ack = Post($"/api/alerts/incidents/{Guid.NewGuid()}/ack", session);
        using var refused = await http.SendAsync(ack);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Not allowed for your role", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(before, fixture.Calls.Count);
    }

    [Fact]
    public async Task An_operator_acks_with_the_operator_key_and_only_with_an_anti_forgery_token()
    {
        using var http = Client();
        var session = await SignInAsync(http, WebFixture.Operator);
        var incident = Guid.NewGuid();
        var before = fixture.Calls.Count;

        using var withoutToken = await http.PostAsync($"/api/alerts/incidents/{incident}/ack", JsonContent.Create(new { comment = "on it" }));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(before, fixture.Calls.Count);

        using var ack = Post($"/api/alerts/incidents/{incident}/ack", session);
        using var accepted = await http.SendAsync(ack);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(new BackendCall("alerts", "POST", $"/api/alerts/incidents/{incident}/ack", WebFixture.OperatorKey, WebFixture.Operator.Name, null),
            fixture.Calls.Last(c => c.User == WebFixture.Operator.Name));
    }

    [Fact]
    public async Task Unlisted_routes_and_methods_are_404_for_a_signed_in_admin_and_reach_no_backend()
    {
        using var http = Client();
        var session = await SignInAsync(http, WebFixture.Admin);
        var before = fixture.Calls.Count;
        foreach (var (method, path) in new[]
        {
            ("GET", "/api/admin/keys"), ("GET", "/api/ops/rollups"), ("POST", "/api/ops/rollups/reconcile"),
            ("DELETE", "/api/blocks/latest"), ("POST", "/api/blocks/latest"), ("GET", "/api/blocks/..%2F..%2Fadmin%2Fkeys/summary"),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.Add(AuthExtensions.AntiforgeryHeader, session.AntiforgeryToken);
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        }
        Assert.Equal(before, fixture.Calls.Count);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var http = Client();
        foreach (var path in new[] { "/alive", "/auth/session", "/api/blocks/latest", "/login" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", SecurityHeaders.ContentSecurityPolicy);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_session_and_accepts_one_with()
    {
        var hub = new Uri(WebFixture.Address(_web), "/hubs/activity");
        await using var anonymous = new HubConnectionBuilder().WithUrl(hub).Build();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var cookies = new CookieContainer();
        using var http = Client(cookies);
        await SignInAsync(http, WebFixture.Viewer);
        await using var signedIn = new HubConnectionBuilder().WithUrl(hub, o => o.Cookies = cookies).Build();
        await signedIn.StartAsync();
        Assert.Equal(HubConnectionState.Connected, signedIn.State);
    }

    private HttpClient Client(CookieContainer? cookies = null) =>
        new(new SocketsHttpHandler { CookieContainer = cookies ?? new CookieContainer() }) { BaseAddress = WebFixture.Address(_web) };

    internal static async Task<SessionInfo> SignInAsync(HttpClient http, (string Name, string Password, string Role) user)
    {
        using var response = await http.PostAsJsonAsync("/auth/login", new { userName = user.Name, password = user.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SessionInfo>())!;
    }

    private static HttpRequestMessage Post(string path, SessionInfo session)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { comment = "on it" }) };
        request.Headers.Add(AuthExtensions.AntiforgeryHeader, session.AntiforgeryToken);
        return request;
    }
}
