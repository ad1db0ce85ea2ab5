using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace Ciro.Auth;

public static class AuthExtensions
{
    private const string SelectorScheme = "ApiKeyOrBearer";

    /// <summary>API keys always; JWT bearer when Ciro:Auth:Jwt:Authority is set. A policy scheme picks the
    /// scheme the request carries credentials for, so either works on every endpoint.</summary>
    public static void AddCiroAuth(this IHostApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<IAuthorizationHandler, RoleAuthorizationHandler>();

        var jwtEnabled = !string.IsNullOrEmpty(auth.Jwt.Authority);
        var authentication = builder.Services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "API key or bearer token", o => o.ForwardDefaultSelector = context =>
                jwtEnabled && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (jwtEnabled)
        {
            authentication.AddJwtBearer(o =>
            {
                o.Authority = auth.Jwt.Authority;
                o.Audience = auth.Jwt.Audience;
                o.RequireHttpsMetadata = auth.Jwt.RequireHttpsMetadata;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.RoleClaimType = auth.Jwt.RoleClaim;
                o.TokenValidationParameters.ValidateAudience = true; // Audience is required by AuthOptions validation
                // Roles arrive under the configured claim; copy them to ClaimTypes.Role so one check covers both schemes.
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        if (context.Principal?.Identity is System.Security.Claims.ClaimsIdentity identity)
                        {
                            foreach (var claim in identity.FindAll(auth.Jwt.RoleClaim).ToList())
                            {
                                identity.AddClaim(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, claim.Value));
                            }
                        }
                        return Task.CompletedTask;
                    },
                };
            });
        }
        var policies = builder.Services.AddAuthorizationBuilder();
        foreach (var role in Roles.All)
        {
            policies.AddPolicy(RoleAuthorizationHandler.PolicyName(role), p => p.AddRequirements(new RoleRequirement(role)));
        }
    }

    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, string role) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(RoleAuthorizationHandler.PolicyName(role));
}
