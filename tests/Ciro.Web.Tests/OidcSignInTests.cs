using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Web.Auth;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;

namespace Ciro.Web.Tests;

/// <summary>Single sign-on through a real OpenID Connect exchange over loopback HTTP (code + PKCE, an RS256 ID
/// token checked against the provider's JWKS): the provider's groups become the dashboard's roles, the proxy then
/// treats the user like a password user of that role, and every refused or forged sign-in ends on the login page
/// with no session.</summary>
[Collection(WebCollection.Name)]
public sealed class OidcSignInTests(WebFixture fixture) : IAsyncLifetime
{
    private OidcTestProvider _provider = null!;
    private WebApplicationFactory<Program> _web = null!;

    public async Task InitializeAsync()
    {
        _provider = await OidcTestProvider.StartAsync();
        _web = fixture.Web(Settings(_provider.Authority));
    }

    public async Task DisposeAsync()
    {
        await _web.DisposeAsync();
        await _provider.DisposeAsync();
    }

    /// <summary>The web's settings for <paramref name="authority"/>: groups ciro-admins, ciro-ops, ciro-readers map to the three roles.</summary>
    internal static (string, string)[] Settings(string authority, params (string, string)[] more) =>
    [
        ("Ciro:Web:Oidc:Authority", authority),
        ("Ciro:Web:Oidc:ClientId", OidcTestProvider.ClientId),
        ("Ciro:Web:Oidc:ClientSecret", OidcTestProvider.ClientSecret),
        ("Ciro:Web:Oidc:DisplayName", "Contoso SSO"),
        ("Ciro:Web:Oidc:RoleMap:ciro-admins", Roles.Admin),
        ("Ciro:Web:Oidc:RoleMap:ciro-ops", Roles.Operator),
        ("Ciro:Web:Oidc:RoleMap:ciro-readers", Roles.Viewer),
        .. more,
    ];

    [Fact]
    public async Task The_providers_group_becomes_the_role_and_the_proxy_serves_the_user_with_that_roles_key()
    {
        _provider.NextUser = new OidcUser("sub-42", "alice", ["staff", "ciro-ops"]);
        var (browser, landed) = await SignInAsync("/alerts?state=open");
        using (browser)
        {
            Assert.Equal("/alerts?state=open", landed);
            var session = await browser.GetFromJsonAsync<JsonElement>("/auth/session");
            Assert.Equal("alice", session.GetProperty("userName").GetString());
            Assert.Equal(Roles.Operator, session.GetProperty("role").GetString());

            var before = fixture.Calls.Count;
            using var latest = await browser.GetAsync("/api/blocks/latest");
            Assert.Equal(HttpStatusCode.OK, latest.StatusCode);
            var call = fixture.Calls.Skip(before).Single();
            Assert.Equal((WebFixture.OperatorKey, "alice"), (call.ApiKey, call.User));
            Assert.Null(call.Cookie);
        }
        Assert.Equal(1, _provider.TokensIssued);
    }

    [Fact]
    public async Task A_viewer_group_gets_the_viewer_key_and_several_groups_give_the_highest_role()
    {
        _provider.NextUser = new OidcUser("sub-7", "victor", ["ciro-readers"]);
        var (viewer, _) = await SignInAsync("/");
        using (viewer)
        {
            var before = fixture.Calls.Count;
            using var latest = await viewer.GetAsync("/api/blocks/latest");
            Assert.Equal(WebFixture.ViewerKey, fixture.Calls.Skip(before).Single().ApiKey);
        }
        _provider.NextUser = new OidcUser("sub-8", "wanda", ["ciro-readers", "ciro-admins", "ciro-ops"]);
        var (admin, _) = await SignInAsync("/");
        using (admin)
        {
            Assert.Equal(Roles.Admin, (await admin.GetFromJsonAsync<JsonElement>("/auth/session")).GetProperty("role").GetString());
        }
    }

    [Fact]
    public async Task A_user_whose_groups_map_to_no_role_gets_no_session_and_is_counted()
    {
        using var failures = new MetricCollector<long>(_web.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            Live.LiveMetrics.MeterName, "ciro.web.sign_in_failures");
        _provider.NextUser = new OidcUser("sub-9", "mallory", ["marketing"]);
        var (browser, landed) = await SignInAsync("/");
        using (browser)
        {
            Assert.Equal("/login?error=sso", landed);
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/auth/session")).StatusCode);
        }
        Assert.Equal(1, _provider.TokensIssued); // the provider vouched for mallory: the refusal is the role mapping
        Assert.Equal("sso_no_role", failures.GetMeasurementSnapshot().Single().Tags["reason"]);
    }

    [Fact]
    public async Task A_forged_or_replayed_callback_is_refused_without_a_session()
    {
        using var browser = Browser(out _);
        using var forged = await browser.GetAsync($"{OidcSignIn.CallbackPath}?code=ABC&state=forged");
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.Equal("/login?error=sso", forged.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/auth/session")).StatusCode);

        // A real callback URL used twice: the first signs in, the second (correlation cookie spent, code redeemed) does not.
        using var start = await browser.GetAsync($"{OidcSignIn.LoginPath}?returnUrl=%2F");
        using var back = await Provider().GetAsync(start.Headers.Location);
        var callback = back.Headers.Location!;
        using var first = await browser.GetAsync(callback);
        Assert.Equal("/", first.Headers.Location!.OriginalString);
        using var other = Browser(out _);
        using var replay = await other.GetAsync(callback);
        Assert.Equal("/login?error=sso", replay.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/auth/session")).StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    public async Task A_return_address_off_this_site_is_a_400_naming_returnUrl(string returnUrl)
    {
        using var browser = Browser(out _);
        using var response = await browser.GetAsync($"{OidcSignIn.LoginPath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("returnUrl", problem);
        Assert.Equal(0, _provider.TokensIssued);
    }

    [Fact]
    public async Task The_login_page_learns_the_provider_and_without_configuration_there_is_none()
    {
        using var browser = Browser(out _);
        var providers = await browser.GetFromJsonAsync<JsonElement>("/auth/providers");
        Assert.Equal("Contoso SSO", providers.GetProperty("oidc").GetProperty("displayName").GetString());
        Assert.Equal(OidcSignIn.LoginPath, providers.GetProperty("oidc").GetProperty("loginPath").GetString());

        // One web host at a time on this fixture (a second one started beside it cannot bind).
        await _web.DisposeAsync();
        await using var plain = fixture.Web();
        using var http = new HttpClient { BaseAddress = WebFixture.Address(plain) };
        var none = await http.GetFromJsonAsync<JsonElement>("/auth/providers");
        Assert.Equal(JsonValueKind.Null, none.GetProperty("oidc").ValueKind);
        using var login = await http.GetAsync(OidcSignIn.LoginPath);
        Assert.Equal(HttpStatusCode.NotFound, login.StatusCode);
        Assert.Contains("Ciro:Web:Oidc:Authority", await login.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Ciro:Web:Oidc:Authority", "http://idp.example.com", "Ciro:Web:Oidc:Authority = 'http://idp.example.com' must be an absolute https URL")]
    [InlineData("Ciro:Web:Oidc:RoleMap:ciro-admins", "root", "Ciro:Web:Oidc:RoleMap:ciro-admins = 'root' must be one of viewer, operator, admin")]
    [InlineData("Ciro:Web:Oidc:ClientId", "", "Ciro:Web:Oidc:ClientId is required")]
    public void A_bad_setting_stops_the_start_naming_the_key(string key, string value, string message)
    {
        var settings = Settings(_provider.Authority).Where(s => s.Item1 != key).Append((key, value)).ToArray();
        var refused = Assert.ThrowsAny<Exception>(() => fixture.Web(settings));
        var validation = refused as OptionsValidationException ?? refused.InnerException as OptionsValidationException
            ?? throw new Xunit.Sdk.XunitException($"not a validation error: {refused}");
        Assert.Contains(validation.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }

    /// <summary>What a browser does: start at the web, follow the provider's redirect back, land where the web sends it.</summary>
    private async Task<(HttpClient Browser, string Landed)> SignInAsync(string returnUrl)
    {
        var browser = Browser(out _);
        using var start = await browser.GetAsync($"{OidcSignIn.LoginPath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith(_provider.Authority + "/authorize?", start.Headers.Location!.ToString());
        Assert.Contains("code_challenge_method=S256", start.Headers.Location.Query);
        using var back = await Provider().GetAsync(start.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.StartsWith(WebFixture.Address(_web) + OidcSignIn.CallbackPath.TrimStart('/'), back.Headers.Location!.ToString());
        using var callback = await browser.GetAsync(back.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        return (browser, callback.Headers.Location!.OriginalString);
    }

    private HttpClient Browser(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = WebFixture.Address(_web) };
    }

    // The provider's own cookies do not matter here: it signs in whoever the test set.
    private static HttpClient Provider() => new(new HttpClientHandler { AllowAutoRedirect = false });
}
