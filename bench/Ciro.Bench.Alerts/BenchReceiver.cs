using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ciro.Alerts.Notifiers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ciro.Bench.Alerts;

/// <summary>The webhook receiver on 127.0.0.1: verifies the signature like a real one and notes when each rule's
/// notification arrived (Stopwatch ticks of this process, the clock the sender's side is measured on too).</summary>
public sealed class BenchReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public ConcurrentDictionary<string, long> ArrivedAt { get; } = new(StringComparer.Ordinal);

    public int BadSignatures;

    public static async Task<BenchReceiver> StartAsync(string secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        BenchReceiver? receiver = null;
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            if (request.Headers["X-Ciro-Signature"].ToString() != WebhookNotifier.Sign(body, secret))
            {
                Interlocked.Increment(ref receiver!.BadSignatures);
                return Results.Unauthorized();
            }
            var rule = JsonDocument.Parse(body).RootElement.GetProperty("rule").GetString()!;
            receiver!.ArrivedAt.TryAdd(rule, Stopwatch.GetTimestamp());
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new BenchReceiver(app, $"{address}/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
