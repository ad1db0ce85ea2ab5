namespace Ciro.ChainSimulator.Services;

/// <summary>Websocket subscriptions (filled in by the /ws endpoint).</summary>
public sealed class SubscriptionHub
{
    public int Count => 0;
}

public static class WebSocketEndpoint
{
    public static IEndpointRouteBuilder MapStarknetWebSocket(this IEndpointRouteBuilder app) => app;
}
