using System.Threading.RateLimiting;
using Ciro.Web.Auth;
using Microsoft.Extensions.Options;

namespace Ciro.Web.Extensions;

/// <summary>
/// Per client, one fixed window a minute: /api, /hubs and /auth per signed-in user (per address when signed out),
/// and sign-in attempts per address on top. A refused request gets 429 ProblemDetails with Retry-After (seconds
/// to the window's end) and is counted. Static files are not limited: the login page must always load.
/// Behind an ingress the address is the ingress's unless forwarded headers are configured for it.
/// </summary>
public static class RateLimiting
{
    public static void AddWebRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!IsLimited(context.Request.Path))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }
                var limits = context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.RateLimit;
                var client = context.User.Identity?.IsAuthenticated == true ? "user:" + context.User.Identity.Name : "address:" + Address(context);
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => PerMinute(limits.RequestsPerMinute));
            });
            o.AddPolicy(AuthApi.LoginRateLimitPolicy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.RateLimit;
                return RateLimitPartition.GetFixedWindowLimiter("login:" + Address(context), _ => PerMinute(limits.LoginAttemptsPerMinute));
            });
            o.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.RequestServices.GetRequiredService<AuthMetrics>().RateLimited.Add(1,
                    new KeyValuePair<string, object?>("policy", context.Request.Path.StartsWithSegments("/auth/login") ? "login" : "requests"));
                await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    detail: $"Try again in {seconds} s.").ExecuteAsync(context);
            };
        });
    }

    private static bool IsLimited(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/auth");

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static FixedWindowRateLimiterOptions PerMinute(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true };
}
