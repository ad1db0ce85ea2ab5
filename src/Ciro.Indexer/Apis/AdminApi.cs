using Ciro.Auth;
using Ciro.Indexer.Contracts;
using Ciro.Indexer.Following;
using Ciro.Indexer.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Ciro.Indexer.Apis;

/// <summary>Operator routes, behind the same API keys and roles as analytics (operator or admin; never anonymous):
/// a reindex deletes indexed data.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("admin").WithTags("Admin").RequireRole(Roles.Operator);
        api.MapGet("/cursor", GetCursor).WithName("GetCursor").WithSummary("The last committed block");
        api.MapGet("/status", GetStatus).WithName("GetIndexerStatus").WithSummary("Indexing, starting, or halted with the reason and since when");
        api.MapGet("/undecodable-blocks", ListUndecodableBlocks).WithName("ListUndecodableBlocks")
            .WithSummary("Blocks that did not decode, stored raw and skipped, newest first (limit 1-1000, default 100)");
        api.MapGet("/undecodable-blocks/{number}", GetUndecodableBlock).WithName("GetUndecodableBlock")
            .WithSummary("The node's answer for a skipped block, as it was sent");
        api.MapPost("/reindex", Reindex).WithName("Reindex").WithSummary("Delete everything from a block on and index it again");
        return app;
    }

    public static async Task<Ok<CursorView>> GetCursor(ChainStore store, IOptions<IndexerOptions> options, CancellationToken ct)
    {
        var cursor = await store.GetCursorAsync(options.Value.CursorName, ct);
        return TypedResults.Ok(new CursorView(cursor?.Number, cursor?.Hash.ToString()));
    }

    /// <summary>What /health only says as a status code: the AppHost shows the halt reason in the Aspire dashboard from here.</summary>
    public static Ok<IndexerStatusView> GetStatus(IndexerReadiness readiness) =>
        TypedResults.Ok(readiness.Halted is { } halt
            ? new IndexerStatusView(IndexerStatusView.Halted, halt.Reason, halt.Since)
            : new IndexerStatusView(readiness.IsIndexing ? IndexerStatusView.Indexing : IndexerStatusView.Starting, null, null));

    public static async Task<Results<Ok<IReadOnlyList<UndecodableBlock>>, BadRequest<ProblemDetails>>> ListUndecodableBlocks(
        UndecodableBlockStore store, CancellationToken ct, int limit = 100)
    {
        if (limit is < 1 or > 1000)
        {
            return TypedResults.BadRequest(FieldProblem.Invalid("limit", limit, "must be between 1 and 1000"));
        }
        return TypedResults.Ok(await store.ListAsync(limit, ct));
    }

    public static async Task<Results<FileContentHttpResult, NotFound<ProblemDetails>>> GetUndecodableBlock(
        ulong number, UndecodableBlockStore store, CancellationToken ct) =>
        await store.GetRawAsync(number, ct) is { } raw
            ? TypedResults.File(raw, "application/json")
            : TypedResults.NotFound(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Not an undecodable block",
                Detail = $"Block {number} was not skipped as undecodable (GET /admin/undecodable-blocks lists those that were).",
            });

    /// <summary>Only the replica holding the writer lease takes a reindex (a standby refuses rather than keeping it
    /// for whenever it leads), and only from a block that is indexed: above the cursor there is nothing to delete,
    /// and deleting the cursor while keeping the rows made every later batch fail on its primary key.</summary>
    public static async Task<Results<Accepted, BadRequest<ProblemDetails>, Conflict<ProblemDetails>>> Reindex(
        ReindexRequest? request, ReindexRequests requests, WriterLease lease, ChainStore store, IOptions<IndexerOptions> options, CancellationToken ct)
    {
        if (request?.FromBlock is not { } fromBlock)
        {
            return TypedResults.BadRequest(FieldProblem.Invalid("fromBlock", null, "is required: the first block to index again"));
        }
        if (!lease.IsHeld)
        {
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Not the writing replica",
                Detail = "This indexer replica is a standby (another replica holds the writer lease); send the reindex to the replica that writes. Nothing was queued.",
            });
        }
        var cursor = await store.GetCursorAsync(options.Value.CursorName, ct);
        if (cursor is null || fromBlock > cursor.Number)
        {
            return TypedResults.BadRequest(FieldProblem.Invalid("fromBlock", fromBlock, cursor is null
                ? "cannot be reindexed: nothing is indexed yet"
                : $"is above the last indexed block {cursor.Number}: there is nothing from there on to reindex"));
        }
        requests.Request(fromBlock);
        return TypedResults.Accepted("/admin/cursor");
    }
}

public sealed record ReindexRequest(ulong? FromBlock);

public sealed record IndexerStatusView(string State, string? Reason, DateTimeOffset? Since)
{
    public const string Starting = "starting";
    public const string Indexing = "indexing";
    public const string Halted = "halted";
}

public sealed record CursorView(ulong? BlockNumber, string? BlockHash);
