using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Ciro.Web.Auth;

public static class AuthExtensions
{
    public const string SessionCookie = "ciro.session";
    public const string AntiforgeryCookie = "ciro.xsrf";
    public const string AntiforgeryHeader = "X-XSRF-TOKEN";

    /// <summary>Session cookie (HttpOnly, SameSite=Strict, Secure on HTTPS), one authorization policy per role,
    /// anti-forgery tokens for state-changing requests, and data-protection keys in Redis so every web replica can
    /// read every replica's cookies.</summary>
    public static void AddWebAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebOptions>().BindConfiguration(WebOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AuthMetrics>();
        builder.Services.AddDataProtection().SetApplicationName("ciro-web");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, services) =>
            o.XmlRepository = new RedisXmlRepository(
                () => services.GetRequiredService<IConnectionMultiplexer>().GetDatabase(), "ciro:web:data-protection-keys"));

        var authentication = builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme);
        authentication.AddOidcSignIn(builder);
        authentication.AddCookie(o =>
        {
            o.Cookie.Name = SessionCookie;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            // The dashboard is a single-page app: answer 401/403 ProblemDetails, it routes to its login page.
            o.Events.OnRedirectToLogin = context => Problem(context.HttpContext, StatusCodes.Status401Unauthorized,
                "Sign in first", "No session, or it has expired: POST /auth/login.");
            o.Events.OnRedirectToAccessDenied = context => Problem(context.HttpContext, StatusCodes.Status403Forbidden,
                "Not allowed for your role", $"'{context.HttpContext.User.FindFirstValue(ClaimTypes.Role)}' may not {context.Request.Method} {context.Request.Path}.");
            // A user removed from configuration, or given another role, loses the old session at once; a
            // single-sign-on session ends when single sign-on is switched off or moved to another provider.
            o.Events.OnValidatePrincipal = context =>
            {
                var services = context.HttpContext.RequestServices;
                var name = context.Principal?.Identity?.Name;
                var issuer = context.Principal?.FindFirstValue(OidcSignIn.IdentityProviderClaim);
                var valid = issuer is not null
                    ? services.GetRequiredService<IOptionsMonitor<OidcOptions>>().CurrentValue is { Enabled: true } oidc
                        && SameIssuer(issuer, oidc.Authority!)
                    : name is not null && services.GetRequiredService<IOptionsMonitor<WebOptions>>().CurrentValue.Users.TryGetValue(name, out var user)
                        && user.Role == context.Principal!.FindFirstValue(ClaimTypes.Role);
                if (!valid)
                {
                    context.RejectPrincipal();
                }
                return Task.CompletedTask;
            };
        });
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<WebOptions>>((cookie, web) => cookie.ExpireTimeSpan = web.Value.SessionIdleTimeout);

        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = AntiforgeryCookie;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        var policies = builder.Services.AddAuthorizationBuilder();
        foreach (var role in Roles.All)
        {
            policies.AddPolicy(Roles.PolicyName(role), p => p.RequireAuthenticatedUser()
                .RequireAssertion(c => Roles.Level(c.User.FindFirstValue(ClaimTypes.Role)) >= Roles.Level(role)));
        }
    }

    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, string role) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Roles.PolicyName(role));

    /// <param name="identityProvider">The issuer of a single-sign-on user; null for a Ciro:Web:Users password.</param>
    public static ClaimsPrincipal Principal(string userName, string role, string? identityProvider = null) =>
        new(new ClaimsIdentity(
            identityProvider is null
                ? [new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.Role, role)]
                : [new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.Role, role), new Claim(OidcSignIn.IdentityProviderClaim, identityProvider)],
            CookieAuthenticationDefaults.AuthenticationScheme));

    private static bool SameIssuer(string issuer, string authority) =>
        string.Equals(issuer.TrimEnd('/'), authority.TrimEnd('/'), StringComparison.Ordinal);

    private static Task Problem(HttpContext context, int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
}
