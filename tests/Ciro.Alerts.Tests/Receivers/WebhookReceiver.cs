using System.Collections.Concurrent;
using System.Text.Json;
using Ciro.Alerts.Notifiers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ciro.Alerts.Tests.Receivers;

/// <summary>A generic webhook receiver at <c>POST /hooks/{token}</c> that does what a careful receiver does: verifies
/// <c>X-Ciro-Signature</c> (HMAC-SHA256 of the raw body with its copy of the secret, 401 when wrong) and
/// deduplicates by <c>X-Ciro-Idempotency-Key</c> (a repeat answers 200 and is counted in
/// <see cref="LoopbackReceiver.AcceptedByKey"/>).</summary>
public sealed class WebhookReceiver(string token, string secret) : LoopbackReceiver
{
    public string Url => $"{BaseUrl}/hooks/{token}";

    public ConcurrentQueue<JsonElement> Payloads { get; } = new();

    protected override void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/hooks/{hookToken}", async (string hookToken, HttpRequest request) =>
        {
            if (hookToken != token)
            {
                return Results.NotFound();
            }
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            if (request.Headers["X-Ciro-Signature"].ToString() != WebhookNotifier.Sign(body, secret))
            {
                Reject("signature does not match the body");
                return Results.Unauthorized();
            }
            var key = request.Headers["X-Ciro-Idempotency-Key"].ToString();
            if (key.Length == 0)
            {
                return Reject("no X-Ciro-Idempotency-Key");
            }
            if (!AcceptedByKey.ContainsKey(key))
            {
                Payloads.Enqueue(JsonDocument.Parse(body).RootElement.Clone());
            }
            Accept(key);
            return Results.Ok();
        });
}
