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
