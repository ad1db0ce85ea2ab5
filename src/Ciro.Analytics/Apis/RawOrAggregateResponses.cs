using Ciro.Analytics.Queries;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ciro.Analytics.Apis;

/// <summary>Marks an endpoint whose 200 answer is a page of <see cref="Rows"/>, or of the raw records when bucket=raw.</summary>
public sealed record AggregateRowsMetadata(Type Rows);

/// <summary>
/// An endpoint answering <c>Ok&lt;TablePage&lt;GasRow&gt;&gt;</c> or <c>Ok&lt;TablePage&lt;GasTxRow&gt;&gt;</c> has two 200
/// shapes, and ApiExplorer keeps one response type per status code (the raw one): the bucketed rows — what most
/// callers read — were missing from /openapi/v1.json. This transformer documents the 200 answer as oneOf both pages,
/// so clients generated from the document (the dashboard's types) know both.
/// </summary>
public static class RawOrAggregateResponses
{
    public static RouteHandlerBuilder WithAggregateRows<TRow>(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new AggregateRowsMetadata(typeof(TRow)));

    public static OpenApiOptions AddRawOrAggregateResponses(this OpenApiOptions options) =>
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var marker = context.Description.ActionDescriptor.EndpointMetadata.OfType<AggregateRowsMetadata>().FirstOrDefault();
            if (marker is null || context.Document is null || operation.Responses?.TryGetValue("200", out var ok) != true
                || ok!.Content?.TryGetValue("application/json", out var json) != true || json!.Schema is not { } raw)
            {
                return;
            }
            var pageType = typeof(TablePage<>).MakeGenericType(marker.Rows);
            var name = $"TablePageOf{marker.Rows.Name}";
            var schema = await context.GetOrCreateSchemaAsync(pageType, null, ct);
            context.Document.AddComponent(name, schema);
            json.Schema = new OpenApiSchema { OneOf = [new OpenApiSchemaReference(name, context.Document), raw] };
        });
}
