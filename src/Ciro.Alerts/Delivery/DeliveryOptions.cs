using System.ComponentModel.DataAnnotations;

namespace Ciro.Alerts.Delivery;

/// <summary>How the outbox dispatcher retries; bound from <see cref="SectionName"/> and validated at start.</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string SectionName = "Alerts:Delivery";

    /// <summary>How often an idle dispatcher looks for due notifications (an enqueue in this process wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Delay after the first failed attempt; doubled per attempt up to <see cref="MaxDelay"/>, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A notification not delivered this long after it was enqueued is given up and audited as failed.</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>One attempt longer than this is cancelled and counts as failed.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Notifications delivered at the same time by this replica (each claims its own row).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Rate limits, circuit breaker and fallback per channel (email, discord, telegram, webhook).</summary>
    public Dictionary<string, ChannelPolicyOptions> Channels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Defaults that keep each service's documented limits: Discord 30 messages a minute per webhook (bursts of
    /// 5), Telegram 30 a second per bot and one a second per chat; email and webhooks unlimited. Every channel's
    /// breaker opens after 5 failures in a row for 1 minute.</summary>
    private static readonly Dictionary<string, ChannelPolicy> Defaults = new(StringComparer.Ordinal)
    {
        ["discord"] = new(0, 1, 0.5, 5, 5, TimeSpan.FromMinutes(1), null),
        ["telegram"] = new(30, 30, 1, 1, 5, TimeSpan.FromMinutes(1), null),
    };

    private static readonly ChannelPolicy Unlimited = new(0, 1, 0, 1, 5, TimeSpan.FromMinutes(1), null);

    /// <summary>The configured policy of <paramref name="channel"/> over its defaults.</summary>
    public ChannelPolicy PolicyOf(string channel)
    {
        var d = Defaults.GetValueOrDefault(channel, Unlimited);
        if (!Channels.TryGetValue(channel, out var c))
        {
            return d;
        }
        return new ChannelPolicy(c.RatePerSecond ?? d.RatePerSecond, c.Burst ?? d.Burst, c.PerRecipientRatePerSecond ?? d.PerRecipientRatePerSecond,
            c.PerRecipientBurst ?? d.PerRecipientBurst, c.FailuresToOpen ?? d.FailuresToOpen, c.OpenFor ?? d.OpenFor, c.Fallback ?? d.Fallback);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { (nameof(PollInterval), PollInterval), (nameof(BaseDelay), BaseDelay), (nameof(MaxDelay), MaxDelay), (nameof(Expiry), Expiry), (nameof(AttemptTimeout), AttemptTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"{SectionName}:{name} = '{value}' must be positive.", [name]);
            }
        }
        if (MaxDelay < BaseDelay)
        {
            yield return new ValidationResult($"{SectionName}:MaxDelay = '{MaxDelay}' must be at least BaseDelay = '{BaseDelay}'.", [nameof(MaxDelay)]);
        }
        if (Concurrency is < 1 or > 64)
        {
            yield return new ValidationResult($"{SectionName}:Concurrency = '{Concurrency}' must be between 1 and 64.", [nameof(Concurrency)]);
        }
        foreach (var (channel, policy) in Channels)
        {
            foreach (var problem in policy.Validate(channel))
            {
                yield return problem;
            }
        }
    }

    /// <summary>Exponential backoff with jitter: base·2^(attempt−1), capped, then scaled by a random factor in
    /// [0.5, 1) so replicas that failed together do not retry together.</summary>
    public TimeSpan BackoffAfter(int attempt)
    {
        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble() / 2));
    }
}
