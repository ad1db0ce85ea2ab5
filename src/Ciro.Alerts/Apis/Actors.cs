using System.Security.Claims;

namespace Ciro.Alerts.Apis;

/// <summary>Who acted, for the audit trail: the key's name or the token's subject. The dashboard calls with its
/// service key and names the signed-in user in X-Ciro-User; that header is believed only from a service key.</summary>
public static class Actors
{
    public const string UserHeader = "X-Ciro-User";

    public static string Of(ClaimsPrincipal user, HttpRequest request)
    {
        var name = user.FindFirstValue(ClaimTypes.Name) ?? user.FindFirstValue("name") ?? user.FindFirstValue("sub") ?? "unknown";
        if (name.StartsWith("service:", StringComparison.Ordinal) && request.Headers[UserHeader].ToString() is { Length: > 0 and <= 100 } person)
        {
            return $"{person} (via {name})";
        }
        return name;
    }
}
