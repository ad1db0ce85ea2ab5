using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Auth;

public sealed record ApiKeyInfo(Guid Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record CreatedApiKey(Guid Id, string Name, string Role, string Key, DateTimeOffset CreatedAt);

/// <summary>
/// API keys: "ciro_&lt;prefix&gt;_&lt;secret&gt;". Only SHA-256(salt ‖ key) is stored, with a random per-key salt; the
/// public prefix finds the row and the hash is compared in constant time. A leaked table does not give keys.
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource, IOptionsMonitor<AuthOptions> options, TimeProvider clock)
{
    private (DateTimeOffset At, bool Any)? _anyKeys;

    public async Task<CreatedApiKey> CreateAsync(string name, string role, CancellationToken ct)
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var key = $"ciro_{prefix}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var salt = RandomNumberGenerator.GetBytes(16);
        var id = Guid.CreateVersion7();
        await using var command = dataSource.CreateCommand("""
            insert into ciro.api_keys (id, name, role, prefix, salt, key_hash) values ($1, $2, $3, $4, $5, $6) returning created_at
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(role);
        command.Parameters.AddWithValue(prefix);
        command.Parameters.AddWithValue(salt);
        command.Parameters.AddWithValue(Hash(salt, key));
        var created = (DateTime)(await command.ExecuteScalarAsync(ct))!;
        _anyKeys = null;
        return new CreatedApiKey(id, name, role, key, created);
    }

    public async Task<bool> RevokeAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("update ciro.api_keys set revoked_at = now() where id = $1 and revoked_at is null");
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select id, name, role, prefix, created_at, revoked_at from ciro.api_keys order by created_at");
        var keys = new List<ApiKeyInfo>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            keys.Add(new ApiKeyInfo(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return keys;
    }

    /// <summary>The role of a presented key, or null when it is unknown, revoked or malformed.</summary>
    public async Task<(string Role, string Name)?> ValidateAsync(string presented, CancellationToken ct)
    {
        var bootstrap = options.CurrentValue.BootstrapAdminKey;
        if (!string.IsNullOrEmpty(bootstrap) && SameKey(presented, bootstrap))
        {
            return (Roles.Admin, "bootstrap");
        }
        foreach (var (name, service) in options.CurrentValue.ServiceKeys)
        {
            if (SameKey(presented, service.Key))
            {
                return (service.Role, "service:" + name);
            }
        }
        var parts = presented.Split('_');
        if (parts is not ["ciro", { Length: 12 } prefix, { Length: > 0 }] || presented.Length > 200)
        {
            return null;
        }
        await using var command = dataSource.CreateCommand("select role, name, salt, key_hash from ciro.api_keys where prefix = $1 and revoked_at is null");
        command.Parameters.AddWithValue(prefix);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var salt = reader.GetFieldValue<byte[]>(2);
        return CryptographicOperations.FixedTimeEquals(Hash(salt, presented), reader.GetFieldValue<byte[]>(3))
            ? (reader.GetString(0), reader.GetString(1))
            : null;
    }

    /// <summary>Whether any key was ever issued: a bootstrap or service key configured, or a stored key, revoked
    /// or not (revoked rows are kept). Once true it stays true, so revoking the last key never re-opens anonymous
    /// access. Asked on every anonymous request, so "none" is cached for 5 s and reset by this process's creates.</summary>
    public async Task<bool> AnyKeyIssuedAsync(CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(options.CurrentValue.BootstrapAdminKey) || options.CurrentValue.ServiceKeys.Count > 0)
        {
            return true;
        }
        var now = clock.GetUtcNow();
        if (_anyKeys is { Any: true } || _anyKeys is { } cached && now - cached.At < TimeSpan.FromSeconds(5))
        {
            return _anyKeys.Value.Any;
        }
        await using var command = dataSource.CreateCommand("select exists (select 1 from ciro.api_keys)");
        var any = (bool)(await command.ExecuteScalarAsync(ct))!;
        _anyKeys = (now, any);
        return any;
    }

    private static bool SameKey(string presented, string configured) => CryptographicOperations.FixedTimeEquals(
        SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(configured)));

    private static byte[] Hash(byte[] salt, string key) => SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(key)]);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '-');
}
