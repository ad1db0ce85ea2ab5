using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ciro.Web.Tests;

/// <summary>Who the provider signs in at its next /authorize (no login form: the test decides).</summary>
public sealed record OidcUser(string Subject, string UserName, IReadOnlyList<string> Roles);

/// <summary>
/// An OpenID Connect provider on loopback Kestrel, enough of the protocol for the authorization-code flow with
/// PKCE: discovery, JWKS (a fresh RSA key), /authorize (redirects back with a one-time code for <see cref="NextUser"/>)
/// and /token (checks the client secret, the redirect URI and the S256 code verifier; answers an RS256 ID token
/// with the nonce it was given). A wrong request gets the OAuth error JSON a real provider sends.
/// </summary>
public sealed class OidcTestProvider : IAsyncDisposable
{
    public const string ClientId = "ciro-dashboard";
    public const string ClientSecret = "test-oidc-secret-0123456789";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key-1" };
    private readonly ConcurrentDictionary<string, (OidcUser User, string RedirectUri, string? Nonce, string? Challenge)> _codes = new();

    private OidcTestProvider(WebApplication app) => _app = app;

    public string Authority => _app.Urls.Single();

    public OidcUser NextUser { get; set; } = new("sub-1", "alice", ["ciro-admins"]);

    /// <summary>Tokens answered by /token; a test reads how many codes were redeemed.</summary>
    public int TokensIssued => _tokens;

    private int _tokens;

    public static async Task<OidcTestProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var provider = new OidcTestProvider(app);
        provider.Map(app);
        await app.StartAsync();
        return provider;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["authorization_endpoint"] = Authority + "/authorize",
            ["token_endpoint"] = Authority + "/token",
            ["jwks_uri"] = Authority + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(_key);
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        app.MapGet("/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || string.IsNullOrEmpty(q["redirect_uri"]))
            {
                return Results.BadRequest(new { error = "invalid_request" });
            }
            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _codes[code] = (NextUser, q["redirect_uri"]!, q["nonce"], q["code_challenge"]);
            var separator = q["redirect_uri"].ToString().Contains('?') ? '&' : '?';
            return Results.Redirect($"{q["redirect_uri"]}{separator}code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });
        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var (clientId, secret) = Client(request, form);
            if (clientId != ClientId || secret != ClientSecret)
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }
            if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var grant)
                || grant.RedirectUri != form["redirect_uri"] || grant.Challenge != S256(form["code_verifier"].ToString()))
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
            Interlocked.Increment(ref _tokens);
            var claims = new Dictionary<string, object>
            {
                ["sub"] = grant.User.Subject,
                ["preferred_username"] = grant.User.UserName,
                ["roles"] = grant.User.Roles.ToArray(),
            };
            if (grant.Nonce is not null)
            {
                claims["nonce"] = grant.Nonce;
            }
            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Authority,
                Audience = ClientId,
                Claims = claims,
                IssuedAt = DateTime.UtcNow,
                NotBefore = DateTime.UtcNow.AddMinutes(-1),
                Expires = DateTime.UtcNow.AddMinutes(5),
                SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { id_token = idToken, access_token = "opaque-" + grant.User.Subject, token_type = "Bearer", expires_in = 300 });
        });
    }

    private static (string? Id, string? Secret) Client(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : null);
        }
        return (form["client_id"], form["client_secret"]);
    }

    private static string S256(string verifier) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
