using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ciro.Auth;

/// <summary>Authenticates the X-Api-Key header. No header: no result (other schemes or anonymous rules apply);
/// a header that matches no live key: failure, so a wrong or revoked key is a 401, never silently anonymous.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return AuthenticateResult.NoResult();
        }
        var presented = values.ToString();
        var match = string.IsNullOrEmpty(presented) ? null : await keys.ValidateAsync(presented, Context.RequestAborted);
        if (match is null)
        {
            return AuthenticateResult.Fail("unknown or revoked API key");
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, match.Value.Name), new Claim(ClaimTypes.Role, match.Value.Role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        return Task.CompletedTask;
    }
}
