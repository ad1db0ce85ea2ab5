using Ciro.Indexer.Contracts;
using Ciro.Indexer.Following;
using Ciro.Indexer.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Ciro.Indexer.Apis;

public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("admin").WithTags("Admin");
        api.MapGet("/cursor", GetCursor).WithName("GetCursor").WithSummary("The last committed block");
        api.MapGet("/status", GetStatus).WithName("GetIndexerStatus").WithSummary("Indexing, starting, or halted with the reason and since when");
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

    public static Results<Accepted, BadRequest<ProblemDetails>> Reindex(ReindexRequest? request, ReindexRequests requests)
    {
        if (request?.FromBlock is not { } fromBlock)
        {
            return TypedResults.BadRequest(FieldProblem.Invalid("fromBlock", null, "is required: the first block to index again"));
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
