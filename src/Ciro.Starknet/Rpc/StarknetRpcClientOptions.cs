namespace Ciro.Starknet.Rpc;

/// <summary>Retry and timeout policy of <see cref="StarknetRpcClient"/>, bound from <see cref="SectionName"/>.</summary>
public sealed class StarknetRpcClientOptions
{
    public const string SectionName = "Starknet:Client";

    /// <summary>Total attempts per call, the first one included; 1 disables retries.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Backoff before retry n is a random delay in [0, min(MaxDelay, BaseDelay·2^n)] ("full jitter"),
    /// so many indexer workers hitting one rate-limited node do not retry in lockstep.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A Retry-After above this is clamped: a node asking for minutes would stall the indexer silently.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Per attempt. A timed-out attempt is retried; the caller's token still cancels everything.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest getBlockWithReceipts batch sent as one HTTP request.</summary>
    public int MaxBatchSize { get; set; } = 50;

    /// <summary>Largest HTTP response body read, in bytes. A larger Content-Length is refused before reading, a
    /// longer body when it crosses the cap; either is a <see cref="StarknetProtocolException"/> (not retried).
    /// The indexer halves its batch after a failure, so a batch over the cap shrinks to single blocks.</summary>
    public int MaxResponseBytes { get; set; } = 128 * 1024 * 1024;

    /// <summary>Largest websocket message (all frames of one message) read; a larger one fails the socket, and
    /// the indexer falls back to polling.</summary>
    public int MaxWebSocketMessageBytes { get; set; } = 16 * 1024 * 1024;
}
