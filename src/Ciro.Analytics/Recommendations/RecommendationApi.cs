using System.Globalization;
using System.Text.Json;
using Ciro.Analytics.Apis;
using Ciro.Auth;
using Ciro.Starknet;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Ciro.Analytics.Recommendations;

/// <summary>Gas recommendations: viewers read them, operators accept or dismiss them (with a reason) and run an
/// evaluation now (it also runs on a timer, <see cref="RecommendationScheduler"/>).</summary>
public static class RecommendationApi
{
    public static IEndpointRouteBuilder MapRecommendationApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("api/recommendations").WithTags("Recommendations").RequireRole(Roles.Viewer);
        read.MapGet("/", List).WithName("ListRecommendations")
            .WithSummary("Recommendations (optionally by status, rule and contract or caller address), largest weekly fee saving first, with what the last evaluation could not look at");
        read.MapGet("/{id}", Get).WithName("GetRecommendation").WithSummary("One recommendation: target, evidence, weekly saving and its formula, lifecycle");
        var write = app.MapGroup("api/recommendations").WithTags("Recommendations").RequireRole(Roles.Operator);
        write.MapPost("/{id}/accept", Accept).WithName("AcceptRecommendation").WithSummary("Accept: the next evaluations verify the saving (or report a regression)");
        write.MapPost("/{id}/dismiss", Dismiss).WithName("DismissRecommendation").WithSummary("Dismiss with a reason; it stays dismissed when found again");
        write.MapPost("/evaluate", Evaluate).WithName("EvaluateRecommendations").WithSummary("Run every rule now over [from, to) (default: the week before the newest block)");
        return app;
    }

    private const string Columns = """
        id, key, rule, target::text, title, evidence::text, samples, weekly_l2_gas, weekly_l1_data_gas, weekly_fee_fri, formula, confidence,
        status, status_reason, status_by, status_at, window_from, window_to, first_seen, last_seen, firing
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<Results<Ok<RecommendationList>, BadRequest<ProblemDetails>>> List(string? status, string? rule, string? contract,
        NpgsqlDataSource db, CancellationToken ct)
    {
        if (status is not null && !RecommendationStatus.All.Contains(status))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("status", status, $"must be one of {string.Join(", ", RecommendationStatus.All)}"));
        }
        string? address = null;
        if (contract is not null)
        {
            if (!Felt.TryParse(contract, out var parsed))
            {
                return TypedResults.BadRequest(ApiProblems.InvalidField("contract", contract, "must be a contract or caller address (0x-prefixed hex felt)"));
            }
            address = parsed.ToString();
        }
        // contract matches the target's contract or its caller: the dashboard filters by one address either way.
        await using var command = db.CreateCommand($"""
            select {Columns} from ciro.recommendations
            where ($1::text is null or status = $1) and ($2::text is null or rule = $2)
              and ($3::text is null or target->>'contract' = $3 or target->>'caller' = $3)
            order by weekly_fee_fri desc, id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)rule ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)address ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var items = new List<Recommendation>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(Read(reader));
            }
        }
        return TypedResults.Ok(new RecommendationList(items, await LastRunAsync(db, ct)));
    }

    public static async Task<Results<Ok<Recommendation>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>>> Get(string id, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!TryId(id, out var number))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("id", id, "must be a recommendation id (a positive integer)"));
        }
        return await FindAsync(db, number, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound(NotFoundProblem(number));
    }

    public static Task<Results<Ok<Recommendation>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> Accept(
        string id, StatusChange? body, HttpContext http, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(id, body?.Reason, RecommendationStatus.Accepted, [RecommendationStatus.New, RecommendationStatus.Dismissed, RecommendationStatus.Regressed],
            reasonRequired: false, http, db, clock, ct);

    public static Task<Results<Ok<Recommendation>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> Dismiss(
        string id, StatusChange? body, HttpContext http, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(id, body?.Reason, RecommendationStatus.Dismissed, [RecommendationStatus.New, RecommendationStatus.Accepted, RecommendationStatus.Regressed],
            reasonRequired: true, http, db, clock, ct);

    public static async Task<Results<Ok<RecommendationRun>, BadRequest<ProblemDetails>>> Evaluate(string? from, string? to, RecommendationEngine engine, CancellationToken ct)
    {
        DateTimeOffset? start = null, end = null;
        if (to is not null)
        {
            if (!DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                return TypedResults.BadRequest(ApiProblems.InvalidField("to", to, "must be an ISO-8601 time, e.g. 2026-03-02T10:00:00Z"));
            }
            end = t.ToUniversalTime();
        }
        if (from is not null)
        {
            if (!DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var f))
            {
                return TypedResults.BadRequest(ApiProblems.InvalidField("from", from, "must be an ISO-8601 time, e.g. 2026-03-02T10:00:00Z"));
            }
            start = f.ToUniversalTime();
            if (end is { } e && start >= e)
            {
                return TypedResults.BadRequest(ApiProblems.InvalidField("from", from, $"must be before to ({e:O})"));
            }
            if (end is { } e2 && e2 - start > TimeSpan.FromDays(31))
            {
                return TypedResults.BadRequest(ApiProblems.InvalidField("from", from, "the evaluation reads raw rows and may span at most 31 days"));
            }
        }
        return TypedResults.Ok(await engine.EvaluateAsync(start, end, ct));
    }

    private static async Task<Results<Ok<Recommendation>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ChangeAsync(
        string id, string? reason, string to, string[] allowedFrom, bool reasonRequired, HttpContext http, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        if (!TryId(id, out var number))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("id", id, "must be a recommendation id (a positive integer)"));
        }
        if (reasonRequired && string.IsNullOrWhiteSpace(reason))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("reason", reason, "is required to dismiss a recommendation"));
        }
        if (reason is { Length: > 1000 })
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("reason", reason[..40] + "…", "may be at most 1000 characters"));
        }
        var actor = http.Request.Headers["X-Ciro-User"].FirstOrDefault() is { Length: > 0 and <= 200 } user ? user : http.User.Identity?.Name ?? "anonymous";
        await using var command = db.CreateCommand("""
            update ciro.recommendations set status = $2, status_reason = $3, status_by = $4, status_at = $5
            where id = $1 and status = any($6) returning id
            """);
        command.Parameters.AddWithValue(number);
        command.Parameters.AddWithValue(to);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(actor);
        command.Parameters.AddWithValue(clock.GetUtcNow());
        command.Parameters.AddWithValue(allowedFrom);
        var changed = await command.ExecuteScalarAsync(ct) is not null;
        var current = await FindAsync(db, number, ct);
        if (current is null)
        {
            return TypedResults.NotFound(NotFoundProblem(number));
        }
        if (!changed)
        {
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Not allowed in this state",
                Detail = $"Recommendation {number} is {current.Status}; it can become {to} only from {string.Join(", ", allowedFrom)}.",
            });
        }
        return TypedResults.Ok(current);
    }

    private static bool TryId(string id, out long number) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0;

    private static ProblemDetails NotFoundProblem(long id) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "Recommendation not found",
        Detail = $"No recommendation has id {id}.",
    };

    private static async Task<Recommendation?> FindAsync(NpgsqlDataSource db, long id, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"select {Columns} from ciro.recommendations where id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    private static async Task<RecommendationRun?> LastRunAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "select ran_at, window_from, window_to, findings, not_evaluated::text from ciro.recommendation_runs order by id desc limit 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new RecommendationRun(Time(reader, 0), Time(reader, 1), Time(reader, 2), reader.GetInt32(3),
            JsonSerializer.Deserialize<List<NotEvaluated>>(reader.GetString(4), Json) ?? []);
    }

    private static DateTimeOffset Time(NpgsqlDataReader r, int i) => new(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc));

    private static Recommendation Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2),
        JsonSerializer.Deserialize<RecommendationTarget>(r.GetString(3), Json)!,
        r.GetString(4), JsonDocument.Parse(r.GetString(5)).RootElement.Clone(), r.GetFieldValue<string[]>(6),
        r.GetInt64(7), r.GetInt64(8), r.GetDecimal(9), r.GetString(10), r.GetString(11), r.GetString(12),
        r.IsDBNull(13) ? null : r.GetString(13), r.IsDBNull(14) ? null : r.GetString(14), r.IsDBNull(15) ? null : Time(r, 15),
        Time(r, 16), Time(r, 17), Time(r, 18), Time(r, 19), r.GetBoolean(20));
}
