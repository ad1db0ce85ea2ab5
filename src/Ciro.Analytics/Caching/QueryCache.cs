using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ciro.Analytics.Notifications;
using StackExchange.Redis;

namespace Ciro.Analytics.Caching;

/// <summary>
/// Redis cache for KPI answers. Keys carry a generation number that every new block (or reorg) increments, so
/// invalidation is one INCR instead of finding keys: answers of an older generation are never read again and
/// expire by TTL. Redis trouble degrades to computing the answer, never to an error. Identical requests in flight
/// at once (same caller role, endpoint and normalised request) share one lookup and one query (<see cref="QueryCoalescer"/>).
/// </summary>
public sealed class QueryCache(IConnectionMultiplexer redis, AnalyticsMetrics metrics, ILogger<QueryCache> logger,
    Microsoft.Extensions.Options.IOptions<AnalyticsOptions> options, QueryCoalescer coalescer, IHttpContextAccessor http)
{
    public const string GenerationKey = "ciro:analytics:generation";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<T> GetOrCreateAsync<T>(string kind, object request, Func<Task<T>> compute)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, Json))))[..32];
        return coalescer.RunAsync(kind, $"{CallerRole()}|{kind}|{hash}", () => LookUpOrComputeAsync(kind, hash, compute));
    }

    /// <summary>The caller's highest role ("anonymous" without one): every KPI answer is the same for all roles
    /// today, but a role-dependent answer must never be shared across roles.</summary>
    private string CallerRole() =>
        http.HttpContext?.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value)
            .OrderByDescending(Ciro.Auth.Roles.Level).FirstOrDefault() ?? "anonymous";

    private async Task<T> LookUpOrComputeAsync<T>(string kind, string hash, Func<Task<T>> compute)
    {
        var ttl = TimeSpan.FromSeconds(options.Value.CacheSeconds);
        if (ttl <= TimeSpan.Zero)
        {
            return await compute();
        }
        string? key = null;
        try
        {
            var db = redis.GetDatabase();
            var generation = (long?)await db.StringGetAsync(GenerationKey) ?? 0;
            key = $"ciro:analytics:q:{generation}:{kind}:{hash}";
            var cached = await db.StringGetAsync(key);
            if (cached.HasValue)
            {
                metrics.CacheHits.Add(1, new KeyValuePair<string, object?>("kind", kind));
                return JsonSerializer.Deserialize<T>((string)cached!, Json)!;
            }
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Redis cache unavailable; computing {Kind} directly", kind);
            return await compute();
        }
        metrics.CacheMisses.Add(1, new KeyValuePair<string, object?>("kind", kind));
        var value = await compute();
        try
        {
            await redis.GetDatabase().StringSetAsync(key, JsonSerializer.Serialize(value, Json), ttl);
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Could not store {Kind} in the Redis cache", kind);
        }
        return value;
    }

    public async Task InvalidateAsync()
    {
        try
        {
            await redis.GetDatabase().StringIncrementAsync(GenerationKey);
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Could not invalidate the Redis cache; answers may be stale until their TTL");
        }
    }
}
