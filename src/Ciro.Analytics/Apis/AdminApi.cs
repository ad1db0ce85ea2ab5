using Ciro.Auth;
using Ciro.Analytics.Rollups;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Ciro.Analytics.Apis;

public sealed record CreateKeyRequest(string? Name, string? Role);

public sealed record RollupStatus(long LedgerBlocks, long? LastRolledUpBlock, long? HeadBlock, long HoursRecomputed);

/// <summary>Key management (admin) and rollup operations (operator).</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("api/admin/keys").WithTags("Admin").RequireRole(Roles.Admin);
        keys.MapGet("/", ListKeys).WithName("ListApiKeys").WithSummary("API keys (never the keys themselves)");
        keys.MapPost("/", CreateKey).WithName("CreateApiKey").WithSummary("Creates a key for a role; the key is shown only in this response");
        keys.MapDelete("/{id}", RevokeKey).WithName("RevokeApiKey").WithSummary("Revokes a key at once");

        var ops = app.MapGroup("api/ops").WithTags("Operations").RequireRole(Roles.Operator);
        ops.MapGet("/rollups", GetRollupStatus).WithName("GetRollupStatus").WithSummary("How far rollups have caught up with the indexed chain");
        ops.MapPost("/rollups/reconcile", Reconcile).WithName("ReconcileRollups")
            .WithSummary("Recomputes every rollup hour that differs from the raw tables (after restores or manual repairs)");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<ApiKeyInfo>>> ListKeys(ApiKeyStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(ct));

    public static async Task<Results<Created<CreatedApiKey>, BadRequest<ProblemDetails>>> CreateKey(CreateKeyRequest? body, ApiKeyStore store, CancellationToken ct)
    {
        if (body?.Name is not { Length: > 0 and <= 100 } name || name.Any(char.IsControl))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("name", body?.Name, "must be 1 to 100 printable characters"));
        }
        // Configured service keys are named "service:<name>" and are trusted to name a user in X-Ciro-User (and may be
        // exempt from the rate limit): a stored key must not pass for one.
        if (name.StartsWith("service:", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("name", name, "must not start with 'service:' (reserved for configured service keys)"));
        }
        if (body.Role is null || !Roles.All.Contains(body.Role))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("role", body.Role, $"must be one of {string.Join(", ", Roles.All)}"));
        }
        var created = await store.CreateAsync(name, body.Role, ct);
        return TypedResults.Created($"/api/admin/keys/{created.Id}", created);
    }

    public static async Task<Results<NoContent, NotFound<ProblemDetails>, BadRequest<ProblemDetails>>> RevokeKey(string id, ApiKeyStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var keyId))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("id", id, "must be a key id (UUID)"));
        }
        return await store.RevokeAsync(keyId, ct)
            ? TypedResults.NoContent()
            : TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "Key not found", Detail = $"No active key {keyId}." });
    }

    public static async Task<Ok<RollupStatus>> GetRollupStatus(NpgsqlDataSource dataSource, CancellationToken ct) =>
        TypedResults.Ok(await StatusAsync(dataSource, 0, ct));

    public static async Task<Ok<RollupStatus>> Reconcile(RollupReconciler reconciler, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var hours = (await reconciler.ReconcileAsync(null, ct)).Hours;
        return TypedResults.Ok(await StatusAsync(dataSource, hours, ct));
    }

    private static async Task<RollupStatus> StatusAsync(NpgsqlDataSource dataSource, long hours, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select (select count(*) from ciro.rollup_blocks), (select max(block_number) from ciro.rollup_blocks), (select max(block_number) from ciro.blocks)");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new RollupStatus(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), hours);
    }
}
