using System.Security.Cryptography;
using Ciro.Messages;
using StackExchange.Redis;

namespace Ciro.Web.Live;

/// <summary>
/// Every web replica receives every relayed message, and with the backplane a push from any replica reaches every
/// browser: so one replica pushes each message, the first to claim it (<c>SET NX</c> on a key made of the channel
/// and a hash of the payload). The same key also absorbs the copies the analytics replicas each relay. A claim lasts
/// <see cref="Window"/>: long enough for every replica to have seen the message (they receive it within milliseconds
/// of each other), short enough that a later message with the same payload (the same blocks indexed again after a
/// reindex) is pushed again.
/// </summary>
public sealed class PushClaims(IConnectionMultiplexer redis)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private const string KeyPrefix = "ciro:web:push:";
    private readonly string _replica = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>True when this replica is the one to push the message.</summary>
    public async Task<bool> TryClaimAsync(MessageChannel channel, ReadOnlyMemory<byte> payload) =>
        await redis.GetDatabase().StringSetAsync(Key(channel, payload.Span), _replica, Window, When.NotExists);

    public static string Key(MessageChannel channel, ReadOnlySpan<byte> payload) =>
        $"{KeyPrefix}{channel.Redis}:{Convert.ToHexString(SHA256.HashData(payload))}";
}
