using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Ciro.ChainSimulator.Faults;

namespace Ciro.ChainSimulator.Rpc;

/// <summary>
/// JSON-RPC 2.0 over HTTP POST at "/" and "/rpc": single and batch requests, errors inside HTTP 200 as nodes do.
/// Injected faults (see FaultInjector) happen here, before or instead of the normal answer.
/// </summary>
public static class JsonRpcEndpoint
{
    private sealed record Call(JsonElement? Id, bool IsNotification, RpcOutcome Outcome);

    public static IEndpointRouteBuilder MapStarknetRpc(this IEndpointRouteBuilder app)
    {
        app.MapPost("/", HandleAsync).WithName("StarknetRpcRoot").WithTags("rpc").ExcludeFromDescription();
        app.MapPost("/rpc", HandleAsync).WithName("StarknetRpc").WithTags("rpc").ExcludeFromDescription();
        return app;
    }

    private static async Task HandleAsync(HttpContext context, StarknetMethods methods, FaultInjector faults)
    {
        var fault = faults.Next();
        switch (fault.Kind)
        {
            case FaultKind.Latency:
                await Task.Delay(fault.LatencyMs, context.RequestAborted);
                break;
            case FaultKind.TooManyRequests:
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.Response.WriteAsync("Too Many Requests (injected fault)");
                return;
            case FaultKind.ServerError:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("Internal Server Error (injected fault)");
                return;
            case FaultKind.Drop:
                context.Abort();
                return;
        }

        using var document = await TryParseAsync(context);
        context.Response.ContentType = "application/json";
        if (document is null)
        {
            await WriteAsync(context.Response.BodyWriter, w => WriteResponse(w, null, RpcError.ParseError("request body is not valid JSON")));
            return;
        }

        var root = document.RootElement;
        var isBatch = root.ValueKind == JsonValueKind.Array;
        var calls = new List<Call>();
        if (isBatch && root.GetArrayLength() == 0)
        {
            await WriteAsync(context.Response.BodyWriter, w => WriteResponse(w, null, RpcError.InvalidRequest("empty batch")));
            return;
        }
        foreach (var request in isBatch ? root.EnumerateArray() : Enumerable.Repeat(root, 1))
        {
            calls.Add(Execute(request, methods, fault));
        }
        var answered = calls.Where(c => !c.IsNotification).ToList();
        if (answered.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        void WriteAll(Utf8JsonWriter w)
        {
            if (isBatch)
            {
                w.WriteStartArray();
            }
            foreach (var call in answered)
            {
                WriteResponse(w, call.Id, call.Outcome);
            }
            if (isBatch)
            {
                w.WriteEndArray();
            }
        }

        switch (fault.Kind)
        {
            case FaultKind.Malformed:
                // Looks like JSON-RPC at first, then a proxy's HTML error page: a parser must fail, not return null.
                await context.Response.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":" + (answered[0].Id?.GetRawText() ?? "null") + ",\"result\":<html><body>502 Bad Gateway</body></html>");
                return;
            case FaultKind.Truncated:
                var buffer = new ArrayBufferWriter<byte>();
                using (var w = new Utf8JsonWriter(buffer))
                {
                    WriteAll(w);
                }
                await context.Response.Body.WriteAsync(buffer.WrittenMemory[..Math.Max(1, buffer.WrittenCount / 2)]);
                return;
            default:
                await WriteAsync(context.Response.BodyWriter, WriteAll);
                return;
        }
    }

    private static async Task<JsonDocument?> TryParseAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Call Execute(JsonElement request, StarknetMethods methods, FaultPlan fault)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            return new Call(null, false, RpcError.InvalidRequest($"a request must be an object, got {request.ValueKind}"));
        }
        var hasId = request.TryGetProperty("id", out var id);
        JsonElement? idValue = hasId ? id : null;
        if (hasId && id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
        {
            return new Call(null, false, RpcError.InvalidRequest("id must be a string, a number or null"));
        }
        if (!request.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
        {
            return new Call(idValue, false, RpcError.InvalidRequest("jsonrpc must be \"2.0\""));
        }
        if (!request.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String)
        {
            return new Call(idValue, false, RpcError.InvalidRequest("method must be a string"));
        }
        JsonElement? parameters = request.TryGetProperty("params", out var p) ? p : null;
        if (fault.Kind == FaultKind.RpcError)
        {
            return new Call(idValue, !hasId, new RpcError(fault.RpcErrorCode, "Internal error", "injected fault"));
        }
        return new Call(idValue, !hasId, methods.Invoke(method.GetString()!, parameters));
    }

    private static void WriteResponse(Utf8JsonWriter w, JsonElement? id, RpcOutcome outcome)
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0"u8);
        w.WritePropertyName("id"u8);
        if (id is { } value)
        {
            value.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }
        if (outcome.Error is { } error)
        {
            error.Write(w);
        }
        else
        {
            w.WritePropertyName("result"u8);
            outcome.Result!(w);
        }
        w.WriteEndObject();
    }

    private static async Task WriteAsync(PipeWriter body, Action<Utf8JsonWriter> write)
    {
        // Utf8JsonWriter commits into the response pipe as it goes; large pages are not built as strings first.
        await using (var w = new Utf8JsonWriter(body))
        {
            write(w);
        }
        await body.FlushAsync();
    }
}
