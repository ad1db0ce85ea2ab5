using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Apis;

/// <summary>The one way an exception handler answers an outage the caller can wait out: 503 ProblemDetails with
/// Retry-After.</summary>
internal static class ServiceUnavailable
{
    public static ValueTask<bool> WriteAsync(
        IProblemDetailsService problems, HttpContext context, Exception exception, string title, string detail, string retryAfterSeconds)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = retryAfterSeconds;
        return problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = title, Detail = detail },
        });
    }
}
