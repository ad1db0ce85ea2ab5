using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Ciro.Alerts.Delivery;

/// <summary>
/// What holds a channel's traffic back in this replica: a token bucket per channel and one per recipient (Telegram's
/// one message per second per chat, Discord's per-webhook limit), the pause a receiver asked for (429 Retry-After),
/// and a circuit breaker per channel that opens after <see cref="ChannelPolicy.FailuresToOpen"/> failures in a row,
/// stays open <see cref="ChannelPolicy.OpenFor"/>, then lets one trial through. A held notification is not an attempt:
/// the dispatcher moves its due time to when it may go. Limits are per replica (two replicas send up to twice the rate).
/// </summary>
public sealed class ChannelGuards(IOptions<DeliveryOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Breaker> _breakers = new(StringComparer.Ordinal);

    /// <summary>Null when <paramref name="notification"/> may be attempted now (its tokens are taken); else when to look again.</summary>
    public DateTimeOffset? HoldUntil(Notification notification)
    {
        var now = time.GetUtcNow();
        var policy = options.Value.PolicyOf(notification.Channel);
        lock (_lock)
        {
            var breaker = BreakerOf(notification.Channel);
            if (breaker.HoldUntil(now, policy) is { } open)
            {
                return open;
            }
            var channel = BucketOf(notification.Channel, policy.RatePerSecond, policy.Burst);
            var recipient = BucketOf($"{notification.Channel}\n{notification.Recipient}", policy.PerRecipientRatePerSecond, policy.PerRecipientBurst);
            var ready = Max(channel.ReadyAt(now), recipient.ReadyAt(now));
            if (ready > now)
            {
                breaker.Release();
                return ready;
            }
            channel.Take(now);
            recipient.Take(now);
            return null;
        }
    }

    /// <summary>The attempt succeeded: the breaker closes.</summary>
    public void Succeeded(string channel)
    {
        lock (_lock)
        {
            BreakerOf(channel).Succeeded();
        }
    }

    /// <summary>The attempt failed; true when the breaker is open after it (the channel keeps failing).</summary>
    public bool Failed(string channel)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            return BreakerOf(channel).Failed(now, options.Value.PolicyOf(channel));
        }
    }

    /// <summary>True while the channel's breaker is open (not half-open).</summary>
    public bool IsOpen(string channel)
    {
        lock (_lock)
        {
            return BreakerOf(channel).IsOpen(time.GetUtcNow());
        }
    }

    /// <summary>The receiver asked for a pause: nothing more to <paramref name="recipient"/> before <paramref name="until"/>.</summary>
    public void Throttled(string channel, string recipient, DateTimeOffset until)
    {
        var policy = options.Value.PolicyOf(channel);
        lock (_lock)
        {
            BucketOf($"{channel}\n{recipient}", policy.PerRecipientRatePerSecond, policy.PerRecipientBurst).PauseUntil(until);
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private TokenBucket BucketOf(string key, double rate, int burst)
    {
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            _buckets[key] = bucket = new TokenBucket(rate, burst, time.GetUtcNow());
        }
        return bucket;
    }

    private Breaker BreakerOf(string channel)
    {
        if (!_breakers.TryGetValue(channel, out var breaker))
        {
            _breakers[channel] = breaker = new Breaker();
        }
        return breaker;
    }

    /// <summary><c>Burst</c> tokens, refilled at <c>Rate</c> per second; a rate of 0 never holds anything back.</summary>
    private sealed class TokenBucket(double rate, int burst, DateTimeOffset now)
    {
        private double _tokens = burst;
        private DateTimeOffset _refilled = now;
        private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

        public DateTimeOffset ReadyAt(DateTimeOffset now)
        {
            if (now < _pausedUntil)
            {
                return _pausedUntil;
            }
            if (rate <= 0)
            {
                return now;
            }
            Refill(now);
            return _tokens >= 1 ? now : now + TimeSpan.FromSeconds((1 - _tokens) / rate);
        }

        public void Take(DateTimeOffset now)
        {
            if (rate > 0)
            {
                Refill(now);
                _tokens -= 1;
            }
        }

        public void PauseUntil(DateTimeOffset until)
        {
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }
        }

        private void Refill(DateTimeOffset now)
        {
            if (now > _refilled)
            {
                _tokens = Math.Min(burst, _tokens + (now - _refilled).TotalSeconds * rate);
                _refilled = now;
            }
        }
    }

    /// <summary>Closed → open after N failures in a row → after OpenFor one trial (half-open) → closed on its success,
    /// open again on its failure.</summary>
    private sealed class Breaker
    {
        private int _failures;
        private DateTimeOffset _openUntil = DateTimeOffset.MinValue;
        private bool _trialInFlight;

        public bool IsOpen(DateTimeOffset now) => now < _openUntil;

        public DateTimeOffset? HoldUntil(DateTimeOffset now, ChannelPolicy policy)
        {
            if (now < _openUntil)
            {
                return _openUntil;
            }
            if (policy.FailuresToOpen > 0 && _failures >= policy.FailuresToOpen)
            {
                // Half-open: one trial at a time; the others look again shortly.
                if (_trialInFlight)
                {
                    return now + TimeSpan.FromSeconds(1);
                }
                _trialInFlight = true;
            }
            return null;
        }

        /// <summary>The trial slot is given back (the notification was held by a rate limit instead).</summary>
        public void Release() => _trialInFlight = false;

        public void Succeeded()
        {
            _failures = 0;
            _trialInFlight = false;
            _openUntil = DateTimeOffset.MinValue;
        }

        public bool Failed(DateTimeOffset now, ChannelPolicy policy)
        {
            _failures++;
            _trialInFlight = false;
            if (policy.FailuresToOpen > 0 && _failures >= policy.FailuresToOpen)
            {
                _openUntil = now + policy.OpenFor;
            }
            return now < _openUntil;
        }
    }
}

/// <summary>How one channel is held back and where it falls back to: <c>Alerts:Delivery:Channels:&lt;channel&gt;:…</c>.
/// Unset values take the channel's defaults (<see cref="DeliveryOptions.PolicyOf"/>).</summary>
public sealed class ChannelPolicyOptions
{
    public double? RatePerSecond { get; set; }
    public int? Burst { get; set; }
    public double? PerRecipientRatePerSecond { get; set; }
    public int? PerRecipientBurst { get; set; }
    public int? FailuresToOpen { get; set; }
    public TimeSpan? OpenFor { get; set; }

    /// <summary>The channel that also gets a notification this channel cannot deliver while its breaker is open.</summary>
    public string? Fallback { get; set; }

    public IEnumerable<ValidationResult> Validate(string channel)
    {
        var key = $"{DeliveryOptions.SectionName}:Channels:{channel}";
        if (!RoutingOptions.Channels.Contains(channel))
        {
            yield return new ValidationResult($"{key} names no channel; expected one of {string.Join(", ", RoutingOptions.Channels)}.", ["Channels"]);
        }
        foreach (var (name, value) in new[] { (nameof(RatePerSecond), RatePerSecond), (nameof(PerRecipientRatePerSecond), PerRecipientRatePerSecond) })
        {
            if (value is < 0)
            {
                yield return new ValidationResult($"{key}:{name} = '{value}' must be 0 (no limit) or more.", ["Channels"]);
            }
        }
        foreach (var (name, value) in new[] { (nameof(Burst), Burst), (nameof(PerRecipientBurst), PerRecipientBurst) })
        {
            if (value is < 1)
            {
                yield return new ValidationResult($"{key}:{name} = '{value}' must be at least 1.", ["Channels"]);
            }
        }
        if (FailuresToOpen is < 0)
        {
            yield return new ValidationResult($"{key}:FailuresToOpen = '{FailuresToOpen}' must be 0 (never open) or more.", ["Channels"]);
        }
        if (OpenFor is { } openFor && openFor <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{key}:OpenFor = '{openFor}' must be positive.", ["Channels"]);
        }
        if (Fallback is { } fallback && (!RoutingOptions.Channels.Contains(fallback) || fallback == channel))
        {
            yield return new ValidationResult($"{key}:Fallback = '{fallback}' must be another channel ({string.Join(", ", RoutingOptions.Channels)}).", ["Channels"]);
        }
    }
}

/// <summary>The effective policy of one channel.</summary>
public sealed record ChannelPolicy(double RatePerSecond, int Burst, double PerRecipientRatePerSecond, int PerRecipientBurst,
    int FailuresToOpen, TimeSpan OpenFor, string? Fallback);
