using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Ciro.Web.Auth;

public sealed record LoginRequest(string? UserName, string? Password);

/// <summary>Who is signed in, and the anti-forgery token to send as X-XSRF-TOKEN on POSTs (it is tied to this
/// user, so it changes at sign-in).</summary>
public sealed record SessionInfo(string UserName, string Role, string AntiforgeryToken);

/// <summary>POST /auth/login, POST /auth/logout, GET /auth/session. The login takes JSON only: a cross-site form
/// cannot send application/json without a CORS preflight this host never grants, so signing someone in from
/// another site is not possible; logout and every proxied POST check the anti-forgery token.</summary>
public static class AuthApi
{
    public const string LoginRateLimitPolicy = "login";

    // Verified when the user name is unknown, so a wrong name costs the same time as a wrong password.
    private static readonly string UnknownUserHash = PasswordHash.Create(Guid.NewGuid().ToString());

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("auth").WithTags("Auth");
        auth.MapPost("/login", LoginAsync).WithName("Login").AllowAnonymous().RequireRateLimiting(LoginRateLimitPolicy)
            .Accepts<LoginRequest>("application/json");
        auth.MapPost("/logout", LogoutAsync).WithName("Logout").RequireAuthorization();
        auth.MapGet("/session", GetSession).WithName("GetSession").RequireAuthorization();
        return app;
    }

    private static async Task<Results<Ok<SessionInfo>, BadRequest<ProblemDetails>, ProblemHttpResult>> LoginAsync(
        [FromBody] LoginRequest request, HttpContext context, IOptionsMonitor<WebOptions> options, IAntiforgery antiforgery,
        AuthMetrics metrics, ILogger<LoginRequest> logger)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || request.UserName.Length > 200)
        {
            return TypedResults.BadRequest(FieldProblem.Invalid("userName", request.UserName, "must be 1 to 200 characters"));
        }
        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > 1024)
        {
            return TypedResults.BadRequest(FieldProblem.Invalid("password", request.Password is null ? null : "(hidden)", "must be 1 to 1024 characters"));
        }
        var known = options.CurrentValue.Users.TryGetValue(request.UserName, out var user);
        var matches = PasswordHash.Verify(request.Password, known ? user!.PasswordHash : UnknownUserHash) && known;
        if (!matches)
        {
            metrics.SignInFailures.Add(1, new KeyValuePair<string, object?>("reason", known ? "wrong_password" : "unknown_user"));
            logger.LogWarning("Refused sign-in for {UserName} from {Address}: {Reason}", request.UserName,
                context.Connection.RemoteIpAddress, known ? "wrong password" : "unknown user");
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Wrong user name or password");
        }
        var principal = AuthExtensions.Principal(request.UserName, user!.Role);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        metrics.SignIns.Add(1);
        logger.LogInformation("{UserName} signed in as {Role} from {Address}", request.UserName, user.Role, context.Connection.RemoteIpAddress);
        context.User = principal; // the anti-forgery token below is issued for the new user
        return TypedResults.Ok(Session(context, antiforgery));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return AntiforgeryProblem();
        }
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    private static Ok<SessionInfo> GetSession(HttpContext context, IAntiforgery antiforgery) => TypedResults.Ok(Session(context, antiforgery));

    public static ProblemHttpResult AntiforgeryProblem() => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
        title: "Missing or invalid anti-forgery token",
        detail: $"Send the {AuthExtensions.AntiforgeryHeader} header with the token from GET /auth/session.");

    private static SessionInfo Session(HttpContext context, IAntiforgery antiforgery) => new(
        context.User.Identity!.Name!, context.User.FindFirstValue(ClaimTypes.Role)!, antiforgery.GetAndStoreTokens(context).RequestToken!);
}
