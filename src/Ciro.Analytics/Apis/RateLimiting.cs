using System.Globalization;
using System.Threading.RateLimiting;
using Ciro.Analytics.Notifications;
using Ciro.Auth;
using Microsoft.Extensions.Options;

namespace Ciro.Analytics.Apis;

/// <summary>
/// Per caller, one fixed window of <see cref="AnalyticsOptions.RateLimitRequests"/> requests to /api: a caller is
/// its key or token identity; the dashboard's service key is shared by every signed-in user, so for a service key
/// the user it names in <c>X-Ciro-User</c> is the caller (the header is trusted only from a service key); anonymous
/// and failed-authentication requests count per address. A service key listed in
/// <see cref="AnalyticsOptions.RateLimitExemptServiceKeys"/> is not limited when it calls for itself (no
/// <c>X-Ciro-User</c>): the alerts service must not miss rule evaluations. A refused request gets 429
/// ProblemDetails with Retry-After and is counted (<c>ciro.analytics.rate_limited</c>). Health and OpenAPI are not
/// limited.
/// </summary>
public static class RateLimiting
{
    private const string UserHeader = "X-Ciro-User";

    private const string ServicePrefix = "service:";

    public static void AddAnalyticsRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<AnalyticsOptions>, ExemptServiceKeysValidator>();
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!context.Request.Path.StartsWithSegments("/api"))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }
                var options = context.RequestServices.GetRequiredService<IOptions<AnalyticsOptions>>().Value;
                var caller = Caller(context);
                if (ServiceKeyName(context) is { } service && context.Request.Headers[UserHeader].Count == 0
                    && options.RateLimitExemptServiceKeys.Contains(service, StringComparer.OrdinalIgnoreCase))
                {
                    return RateLimitPartition.GetNoLimiter(caller);
                }
                return RateLimitPartition.GetFixedWindowLimiter(caller, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.RateLimitRequests,
                    Window = TimeSpan.FromSeconds(options.RateLimitWindowSeconds),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                var window = context.RequestServices.GetRequiredService<IOptions<AnalyticsOptions>>().Value.RateLimitWindowSeconds;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(window);
                var seconds = Math.Clamp((int)Math.Ceiling(retryAfter.TotalSeconds), 1, window);
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                context.RequestServices.GetRequiredService<AnalyticsMetrics>().RateLimited.Add(1);
                await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    detail: $"More than {AnalyticsOptions.SectionName}:{nameof(AnalyticsOptions.RateLimitRequests)} requests in " +
                            $"{window} s from this caller. Try again in {seconds} s.").ExecuteAsync(context);
            };
        });
    }

    /// <summary>The partition of a request (see the class summary).</summary>
    public static string Caller(HttpContext context)
    {
        var name = context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name : null;
        if (name is null)
        {
            return "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        }
        var user = context.Request.Headers[UserHeader].ToString();
        return ServiceKeyName(context) is not null && user.Length > 0 ? $"{name}/user:{user}" : "identity:" + name;
    }

    /// <summary>The configured service key a request was authenticated with, or null. A stored key or a token
    /// whose name happens to start with "service:" is not one (the authentication type tells them apart).</summary>
    private static string? ServiceKeyName(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name } identity
        && identity.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName
        && name.StartsWith(ServicePrefix, StringComparison.Ordinal)
            ? name[ServicePrefix.Length..]
            : null;

    /// <summary>An exempt name that is not a configured service key is a typo that would leave the alerts service
    /// limited: the start fails naming it.</summary>
    private sealed class ExemptServiceKeysValidator(IOptions<AuthOptions> auth) : IValidateOptions<AnalyticsOptions>
    {
        public ValidateOptionsResult Validate(string? name, AnalyticsOptions options)
        {
            var configured = auth.Value.ServiceKeys.Keys;
            var unknown = options.RateLimitExemptServiceKeys.Where(k => !configured.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
            return unknown.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"{AnalyticsOptions.SectionName}:{nameof(AnalyticsOptions.RateLimitExemptServiceKeys)} = '{string.Join("', '", unknown)}' " +
                    $"is not a service key of {AuthOptions.SectionName}:{nameof(AuthOptions.ServiceKeys)} (configured: {(configured.Count == 0 ? "none" : string.Join(", ", configured))}).");
        }
    }
}
