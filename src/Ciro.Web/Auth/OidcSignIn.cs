using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Ciro.Web.Auth;

/// <summary>How the login page may sign someone in: the password form always, single sign-on when configured.</summary>
public sealed record SignInProviders(bool Password, OidcProvider? Oidc);

/// <summary>Single sign-on: GET <see cref="LoginPath"/>?returnUrl=/… starts it.</summary>
public sealed record OidcProvider(string DisplayName, string LoginPath);

/// <summary>
/// OpenID Connect sign-in (authorization code with PKCE, answer in the query so the Lax correlation cookie comes
/// back on the provider's top-level redirect). The ID token is only read to make the same session cookie the
/// password sign-in makes — the user's name and one dashboard role — so the proxy, the roles and the audit trails
/// work the same for both; no provider token is kept. A user whose claims map to no role gets no session.
/// </summary>
public static class OidcSignIn
{
    public const string Scheme = "oidc";
    public const string LoginPath = "/auth/oidc/login";
    public const string CallbackPath = "/auth/oidc/callback";

    /// <summary>On the session of a user the provider signed in: its issuer. Such a session is not checked against
    /// Ciro:Web:Users (the provider vouched for it) and ends with the idle timeout or when SSO is switched off.</summary>
    public const string IdentityProviderClaim = "ciro:idp";

    public static void AddOidcSignIn(this AuthenticationBuilder authentication, IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var oidc = builder.Configuration.GetSection(OidcOptions.SectionName).Get<OidcOptions>() ?? new OidcOptions();
        if (!oidc.Enabled)
        {
            return;
        }
        authentication.AddOpenIdConnect(Scheme, o =>
        {
            o.Authority = oidc.Authority;
            o.ClientId = oidc.ClientId;
            o.ClientSecret = oidc.ClientSecret;
            // Validation allows plain http only for a provider on a loopback address.
            o.RequireHttpsMetadata = oidc.Authority!.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.CallbackPath = CallbackPath;
            o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.MapInboundClaims = false;
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.Scope.Clear();
            o.Scope.Add(OpenIdConnectScope.OpenIdProfile);
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnTokenValidated = TokenValidated;
            o.Events.OnRemoteFailure = RemoteFailure;
        });
    }

    public static IEndpointRouteBuilder MapOidcSignIn(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("auth").WithTags("Auth");
        auth.MapGet("/providers", GetProviders).WithName("GetSignInProviders").AllowAnonymous();
        auth.MapGet("/oidc/login", Login).WithName("OidcLogin").AllowAnonymous().RequireRateLimiting(AuthApi.LoginRateLimitPolicy);
        return app;
    }

    private static Ok<SignInProviders> GetProviders(IOptions<OidcOptions> oidc) =>
        TypedResults.Ok(new SignInProviders(true, oidc.Value.Enabled ? new OidcProvider(oidc.Value.DisplayName, LoginPath) : null));

    private static Results<ChallengeHttpResult, BadRequest<ProblemDetails>, NotFound<ProblemDetails>> Login(string? returnUrl, IOptions<OidcOptions> oidc)
    {
        if (!oidc.Value.Enabled)
        {
            return TypedResults.NotFound(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Single sign-on is not configured",
                Detail = $"Set {OidcOptions.SectionName}:{nameof(OidcOptions.Authority)} and {nameof(OidcOptions.ClientId)}, or sign in with a password.",
            });
        }
        var target = returnUrl ?? "/";
        // Only a path of this site: "//host" and "/\host" are other sites to a browser.
        if (!target.StartsWith('/') || target.StartsWith("//", StringComparison.Ordinal) || target.StartsWith("/\\", StringComparison.Ordinal) || target.Length > 2048)
        {
            return TypedResults.BadRequest(FieldProblem.Invalid("returnUrl", returnUrl, "must be a path of this site starting with a single /"));
        }
        return TypedResults.Challenge(new AuthenticationProperties { RedirectUri = target }, [Scheme]);
    }

    private static Task TokenValidated(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<OidcOptions>>().CurrentValue;
        var claims = context.Principal!;
        var name = claims.FindFirstValue(options.NameClaim) ?? claims.FindFirstValue("sub");
        var values = claims.FindAll(options.RoleClaim).Select(c => c.Value).ToList();
        var role = options.RoleFor(values);
        var issuer = claims.FindFirstValue("iss") ?? options.Authority!;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn));
        if (name is null || role is null)
        {
            services.GetRequiredService<AuthMetrics>().SignInFailures.Add(1, new KeyValuePair<string, object?>("reason", "sso_no_role"));
            logger.LogWarning("Refused single sign-on for {UserName} from {Issuer}: {Claim} = [{Values}] maps to no dashboard role",
                name ?? "(no name)", issuer, options.RoleClaim, string.Join(", ", values));
            context.Fail($"The provider's {options.RoleClaim} claim gives no dashboard role.");
            return Task.CompletedTask;
        }
        context.Principal = AuthExtensions.Principal(name, role, issuer);
        services.GetRequiredService<AuthMetrics>().SignIns.Add(1, new KeyValuePair<string, object?>("method", "oidc"));
        logger.LogInformation("{UserName} signed in as {Role} through {Issuer} from {Address}", name, role, issuer, context.HttpContext.Connection.RemoteIpAddress);
        return Task.CompletedTask;
    }

    /// <summary>A refused or broken sign-in (bad state, provider error, no role) lands on the login page with a
    /// reason code, never on an exception page; the details are in the log.</summary>
    private static Task RemoteFailure(RemoteFailureContext context)
    {
        var services = context.HttpContext.RequestServices;
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn))
            .LogWarning("Single sign-on failed: {Reason}", context.Failure?.Message);
        if (context.Failure?.Message.Contains("no dashboard role", StringComparison.Ordinal) != true)
        {
            services.GetRequiredService<AuthMetrics>().SignInFailures.Add(1, new KeyValuePair<string, object?>("reason", "sso_failed"));
        }
        context.Response.Redirect("/login?error=sso");
        context.HandleResponse();
        return Task.CompletedTask;
    }
}
