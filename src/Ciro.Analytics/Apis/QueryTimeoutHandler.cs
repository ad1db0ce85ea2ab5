using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Analytics.Apis;

/// <summary>
/// A query cancelled by the server's statement_timeout (SQLSTATE 57014) or by Npgsql's command timeout is an
/// overloaded or too-heavy request, not a bug: it is answered 503 ProblemDetails with Retry-After and counted,
/// never a 500. Every other exception is left to the default handler.
/// </summary>
public sealed class QueryTimeoutHandler(
    IProblemDetailsService problems,
    IOptions<AnalyticsOptions> options,
    Notifications.AnalyticsMetrics metrics,
    ILogger<QueryTimeoutHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (!IsQueryTimeout(exception) || context.RequestAborted.IsCancellationRequested)
        {
            return false;
        }
        var seconds = options.Value.StatementTimeoutSeconds;
        metrics.QueryTimeouts.Add(1);
        logger.LogWarning("Query for {Method} {Path}{Query} exceeded the {Seconds} s statement timeout",
            context.Request.Method, context.Request.Path, context.Request.QueryString, seconds);
        return await ServiceUnavailable.WriteAsync(problems, context, exception, "Query timed out",
            $"The query ran longer than {AnalyticsOptions.SectionName}:{nameof(AnalyticsOptions.StatementTimeoutSeconds)} = {seconds} s. " +
            "Retry later, or ask for a shorter range or a coarser bucket.", "5");
    }

    public static bool IsQueryTimeout(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } || e is NpgsqlException { InnerException: TimeoutException })
            {
                return true;
            }
        }
        return false;
    }
}
