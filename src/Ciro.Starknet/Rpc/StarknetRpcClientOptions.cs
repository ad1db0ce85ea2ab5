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
}
