using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Ciro.Auth;

/// <summary>Requires a role at or above <see cref="Role"/> (admin ⊇ operator ⊇ viewer).</summary>
public sealed record RoleRequirement(string Role) : IAuthorizationRequirement;

/// <summary>
/// Role check with one exception: viewer endpoints are open to anonymous callers while no key was ever issued
/// (revoking keys does not re-open it) and Ciro:Auth:AllowAnonymousViewer is true (a fresh local stack; the dashboard proxy and the alerts service
/// call without keys). A request that presents a key never falls back to anonymous.
/// </summary>
public sealed class RoleAuthorizationHandler(ApiKeyStore keys, IOptionsMonitor<AuthOptions> options, IHttpContextAccessor http)
    : AuthorizationHandler<RoleRequirement>
{
    public static string PolicyName(string role) => "role:" + role;

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        var needed = Roles.Level(requirement.Role);
        var held = context.User.FindAll(c => c.Type == ClaimTypes.Role).Select(c => Roles.Level(c.Value)).DefaultIfEmpty(0).Max();
        if (held >= needed)
        {
            context.Succeed(requirement);
            return;
        }
        var request = http.HttpContext?.Request;
        var presentedCredentials = request is not null &&
            (request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName) || request.Headers.Authorization.Count > 0);
        if (requirement.Role == Roles.Viewer && context.User.Identity?.IsAuthenticated != true && !presentedCredentials
            && options.CurrentValue.AllowAnonymousViewer && !await AnyKeyIssuedOrUnknownAsync())
        {
            context.Succeed(requirement);
        }
    }

    private async Task<bool> AnyKeyIssuedOrUnknownAsync()
    {
        try
        {
            return await keys.AnyKeyIssuedAsync(http.HttpContext?.RequestAborted ?? default);
        }
        catch (Npgsql.NpgsqlException)
        {
            return true; // cannot tell: fail closed
        }
    }
}
