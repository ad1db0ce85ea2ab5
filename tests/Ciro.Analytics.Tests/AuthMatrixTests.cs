using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Ciro.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Ciro.Analytics.Tests;

[Collection(AnalyticsCollection.Name)]
public sealed class AuthMatrixTests(AnalyticsFixture fixture) : IAsyncLifetime
{
    private const string Bootstrap = "bootstrap-admin-key-for-tests";
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(_db, KnownChain.Standard().Blocks);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>Every /api endpoint the app maps (found from its routing table, so a new endpoint joins the
    /// matrix by itself) × no key, a wrong key, viewer, operator, admin.</summary>
    [Fact]
    public async Task Every_endpoint_enforces_its_role_for_every_credential()
    {
        await using var app = fixture.App(_db, ("Ciro:Auth:BootstrapAdminKey", Bootstrap));
        var http = app.CreateClient();
        var keys = new Dictionary<string, string?> { ["none"] = null, ["wrong"] = "ciro_000000000000_nope", ["admin"] = Bootstrap };
        foreach (var role in new[] { Roles.Viewer, Roles.Operator })
        {
            var created = await Send(http, HttpMethod.Post, "/api/admin/keys", Bootstrap, new { name = role + " key", role });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            keys[role] = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        }

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/", StringComparison.Ordinal)).ToList();
        Assert.True(endpoints.Count >= 17, $"only {endpoints.Count} endpoints found");
        var checkedCount = 0;
        foreach (var endpoint in endpoints)
        {
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).SingleOrDefault(p => p?.StartsWith("role:") == true);
            Assert.True(policy is not null, $"{endpoint.DisplayName} has no role policy");
            var required = policy!["role:".Length..];
            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods[0];
            var url = "/" + endpoint.RoutePattern.RawText!.TrimStart('/').Replace("{number}", "3").Replace("{id}", Guid.NewGuid().ToString());
            url += url.Contains("/events/last") ? "?name=JobSubmitted" : "";
            foreach (var (who, key) in keys)
            {
                object? body = method == "POST" && url.EndsWith("/keys") ? new { name = "matrix", role = "viewer" } : null;
                var response = await Send(http, new HttpMethod(method), url, key, body);
                var status = (int)response.StatusCode;
                var expected = who is "none" or "wrong" ? 401 : Roles.Level(who) < Roles.Level(required) ? 403 : 0;
                if (expected == 0)
                {
                    Assert.True(status is not (401 or 403) && status < 500, $"{method} {url} as {who}: {status} {await response.Content.ReadAsStringAsync()}");
                }
                else
                {
                    Assert.True(expected == status, $"{method} {url} as {who}: expected {expected}, got {status}");
                }
                checkedCount++;
            }
        }
        Assert.Equal(endpoints.Count * 5, checkedCount);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Keys_are_stored_hashed_and_revocation_is_immediate()
    {
        await using var app = fixture.App(_db, ("Ciro:Auth:BootstrapAdminKey", Bootstrap));
        var http = app.CreateClient();
        var created = await (await Send(http, HttpMethod.Post, "/api/admin/keys", Bootstrap, new { name = "ops", role = "operator" })).Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Get, "/api/ops/rollups", key)).StatusCode);
        await using (var command = _db.CreateCommand("select count(*) from ciro.api_keys where encode(key_hash, 'escape') like '%' || $1 || '%' or prefix = $1"))
        {
            command.Parameters.AddWithValue(key);
            Assert.Equal(0L, await command.ExecuteScalarAsync());
        }
        var revoke = await Send(http, HttpMethod.Delete, $"/api/admin/keys/{created.GetProperty("id").GetString()}", Bootstrap);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(http, HttpMethod.Get, "/api/ops/rollups", key)).StatusCode);
        var badRole = await Send(http, HttpMethod.Post, "/api/admin/keys", Bootstrap, new { name = "x", role = "root" });
        Assert.Equal("role", (await badRole.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Anonymous_viewer_only_while_no_key_was_ever_issued_and_only_when_allowed()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(db, KnownChain.Standard().Blocks);
        await using var app = fixture.App(db);
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/blocks/latest")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/activity/jobs?minutes=120")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/events/last?name=JobSubmitted")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/ops/rollups")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/admin/keys")).StatusCode);

        var store = app.Services.GetRequiredService<ApiKeyStore>();
        var first = await store.CreateAsync("first", Roles.Viewer, default);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/blocks/latest")).StatusCode);

        // Revoking the last key must not re-open anonymous access, neither in this process nor after a restart.
        Assert.True(await store.RevokeAsync(first.Id, default));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/blocks/latest")).StatusCode);
        await using (var restarted = fixture.App(db))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await restarted.CreateClient().GetAsync("/api/blocks/latest")).StatusCode);
        }

        await using var db2 = await fixture.NewDatabaseAsync();
        await using var closed = fixture.App(db2, ("Ciro:Auth:AllowAnonymousViewer", "false"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await closed.CreateClient().GetAsync("/api/blocks/latest")).StatusCode);
    }

    [Fact]
    public async Task Service_keys_from_configuration_carry_their_role_and_close_anonymous_access()
    {
        const string webKey = "web-service-viewer-key-for-tests";
        await using var app = fixture.App(_db, ("Ciro:Auth:ServiceKeys:web:Key", webKey), ("Ciro:Auth:ServiceKeys:web:Role", Roles.Viewer));
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Get, "/api/blocks/latest", webKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(http, HttpMethod.Get, "/api/ops/rollups", webKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/blocks/latest")).StatusCode);
    }

    [Fact]
    public async Task Jwt_bearer_roles_map_to_the_same_policies_and_a_foreign_audience_is_rejected()
    {
        var signingKey = new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var app = fixture.App(_db, ("Ciro:Auth:Jwt:Authority", "https://issuer.test"), ("Ciro:Auth:Jwt:Audience", "ciro"),
                ("Ciro:Auth:BootstrapAdminKey", Bootstrap))
            .WithWebHostBuilder(b => b.ConfigureTestServices(services =>
                services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
                {
                    // No network in tests: the issuer's metadata is supplied instead of fetched.
                    o.Configuration = new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration { Issuer = "https://issuer.test" };
                    o.Configuration.SigningKeys.Add(signingKey);
                    o.TokenValidationParameters.ValidIssuer = "https://issuer.test";
                    o.TokenValidationParameters.IssuerSigningKey = signingKey;
                })));
        var http = app.CreateClient();
        string Token(string role, string audience = "ciro") => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://issuer.test", Audience = audience, Expires = DateTime.UtcNow.AddMinutes(5),
            Subject = new ClaimsIdentity([new Claim("sub", "alice"), new Claim("roles", role)]),
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
        });
        async Task<HttpStatusCode> Get(string url, string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new("Bearer", token);
            return (await http.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await Get("/api/ops/rollups", Token("operator")));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/api/admin/keys", Token("operator")));
        Assert.Equal(HttpStatusCode.OK, await Get("/api/admin/keys", Token("admin")));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/api/ops/rollups", Token("viewer")));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/api/blocks/latest", Token("viewer") + "x"));
        // Same issuer and signature, but issued for another application: not ours, even with the admin role.
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/api/admin/keys", Token("admin", audience: "other-app")));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/api/blocks/latest", Token("viewer", audience: "other-app")));
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string url, string? key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return await http.SendAsync(request);
    }
}
