using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Ciro.Web.Auth;
using StackExchange.Redis;

namespace Ciro.Web.Exports;

/// <summary>Who a print ticket stands for: the caller's name, role and (single sign-on) identity provider.</summary>
public sealed record PrintIdentity(string UserName, string Role, string? IdentityProvider);

/// <summary>
/// One-time tickets that let the PDF renderer's browser act as the caller who asked for the PDF: the same name and
/// role (never a service key, never more than the caller may see), for <see cref="PdfExportOptions.TicketLifetime"/>.
/// Kept in Redis under the ticket's SHA-256 (the ticket itself is stored nowhere) and taken with GETDEL, so a
/// ticket is redeemed once even with several replicas.
/// </summary>
public sealed class PrintTickets(IConnectionMultiplexer redis)
{
    private const string KeyPrefix = "ciro:web:print-ticket:";

    public async Task<string> IssueAsync(ClaimsPrincipal caller, TimeSpan lifetime)
    {
        var identity = new PrintIdentity(caller.Identity!.Name!, caller.FindFirstValue(ClaimTypes.Role)!, caller.FindFirstValue(OidcSignIn.IdentityProviderClaim));
        var ticket = Base64Url(RandomNumberGenerator.GetBytes(32));
        await redis.GetDatabase().StringSetAsync(Key(ticket), JsonSerializer.Serialize(identity), lifetime);
        return ticket;
    }

    /// <summary>The identity the ticket stands for, or null when it is unknown, expired or already redeemed.</summary>
    public async Task<PrintIdentity?> RedeemAsync(string ticket)
    {
        var stored = await redis.GetDatabase().StringGetDeleteAsync(Key(ticket));
        return stored.IsNullOrEmpty ? null : JsonSerializer.Deserialize<PrintIdentity>(stored.ToString());
    }

    private static string Key(string ticket) => KeyPrefix + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ticket)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
