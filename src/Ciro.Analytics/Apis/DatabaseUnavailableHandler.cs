using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Ciro.Analytics.Apis;

/// <summary>
/// A database that refuses or cannot take a connection — out of connection slots or other resources (SQLSTATE
/// class 53), starting up or shutting down (57P01–57P03), the connection lost (class 08) or refused at the socket —
/// (or the connection broken under the query) is an outage the caller can wait out, not a bug in its request: it is answered 503 ProblemDetails with
/// Retry-After, naming the SQLSTATE but no server text, and counted (ciro.analytics.database_unavailable), never a
/// 500. Query timeouts are <see cref="QueryTimeoutHandler"/>'s; everything else is left to the default handler.
/// </summary>
public sealed class DatabaseUnavailableHandler(
    IProblemDetailsService problems,
    Notifications.AnalyticsMetrics metrics,
    ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public const string RetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (Reason(exception) is not { } reason || context.RequestAborted.IsCancellationRequested)
        {
            return false;
        }
        metrics.DatabaseUnavailable.Add(1);
        logger.LogWarning(exception, "Database unavailable for {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, reason);
        return await ServiceUnavailable.WriteAsync(problems, context, exception, "Database unavailable",
            $"The database could not serve the request ({reason}). Retry later.", RetryAfterSeconds);
    }

    /// <summary>Why the database is unavailable (e.g. "SQLSTATE 53300"), or null when the exception is not such an outage.</summary>
    public static string? Reason(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException p when p.SqlState.StartsWith("53", StringComparison.Ordinal)
                    || p.SqlState.StartsWith("08", StringComparison.Ordinal)
                    || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow:
                    return $"SQLSTATE {p.SqlState}";
                case NpgsqlException { InnerException: SocketException socket }:
                    return $"connection failed: {socket.SocketErrorCode}";
                case NpgsqlException { InnerException: IOException }:
                    return "connection lost";
            }
        }
        return null;
    }
}
