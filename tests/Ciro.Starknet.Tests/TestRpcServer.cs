using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ciro.Starknet.Tests;

/// <summary>A real Kestrel server on 127.0.0.1:0 whose answers a test scripts, one handler per request in order
/// (the last handler repeats). Records every request body.</summary>
internal sealed class TestRpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Func<HttpContext, string, Task>> _handlers = [];
    private int _served;

    public ConcurrentQueue<string> Requests { get; } = new();
    public int RequestCount => Volatile.Read(ref _served);
    public Uri Url { get; private set; } = null!;

    private TestRpcServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.UseWebSockets();
        // A middleware branch, not an endpoint: the terminal Run below would answer before endpoints run.
        _app.Map(new PathString("/ws"), branch => branch.Run(context => WebSocketHandler(context)));
        _app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            Requests.Enqueue(body);
            var index = Interlocked.Increment(ref _served) - 1;
            Func<HttpContext, string, Task> handler;
            lock (_handlers)
            {
                handler = _handlers[Math.Min(index, _handlers.Count - 1)];
            }
            await handler(context, body);
        });
    }

    public RequestDelegate WebSocketHandler { get; set; } = context =>
    {
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    };

    public static async Task<TestRpcServer> StartAsync(params Func<HttpContext, string, Task>[] handlers)
    {
        var server = new TestRpcServer();
        server._handlers.AddRange(handlers);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address + "/rpc");
        return server;
    }

    public static Func<HttpContext, string, Task> Json(string json, int status = 200) => async (context, _) =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    };

    /// <summary>A bare status (429, 500, 503 …) with an optional body and Retry-After header.</summary>
    public static Func<HttpContext, string, Task> Status(int status, string body = "", string? retryAfter = null) => async (context, _) =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }
        await context.Response.WriteAsync(body);
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
