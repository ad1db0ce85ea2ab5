using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Ciro.Web.Auth;

/// <summary>
/// Single sign-on through an OpenID Connect provider (section <see cref="SectionName"/>), off while
/// <see cref="Authority"/> is empty. The provider's users get a dashboard role from one claim
/// (<see cref="RoleClaim"/>) through <see cref="RoleMap"/>; a user none of whose values maps gets no session.
/// The client secret belongs in user secrets or the deployment's secret store.
/// </summary>
public sealed class OidcOptions : IValidatableObject
{
    public const string SectionName = "Ciro:Web:Oidc";

    /// <summary>The provider's issuer URL (its /.well-known/openid-configuration is read from there). HTTPS, except a
    /// loopback address (a provider on the same machine).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>What the login page's button says: "Sign in with …".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>The claim of the ID token holding the user's groups or roles (one or several values).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Claim value → dashboard role (viewer, operator, admin). Empty: the values viewer, operator and admin
    /// mean themselves. A user with several mapped values gets the highest role.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The claim used as the user's name in the dashboard and the audit trails.</summary>
    public string NameClaim { get; set; } = "preferred_username";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>The dashboard role for these claim values: the highest one mapped, or null.</summary>
    public string? RoleFor(IEnumerable<string> values) => values
        .Select(v => RoleMap.Count == 0 ? (Roles.Level(v) > 0 ? v : null) : RoleMap.GetValueOrDefault(v))
        .Where(r => r is not null)
        .MaxBy(Roles.Level);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority)
            || !(authority.Scheme == Uri.UriSchemeHttps || (authority.Scheme == Uri.UriSchemeHttp && IsLoopback(authority))))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(Authority)} = '{Authority}' must be an absolute https URL (http only for a loopback address).", [nameof(Authority)]);
        }
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(ClientId)} is required when {nameof(Authority)} is set.", [nameof(ClientId)]);
        }
        if (string.IsNullOrWhiteSpace(RoleClaim) || string.IsNullOrWhiteSpace(NameClaim))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(RoleClaim)} and {nameof(NameClaim)} must name a claim.", [nameof(RoleClaim)]);
        }
        foreach (var (value, role) in RoleMap)
        {
            if (Roles.Level(role) == 0)
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(RoleMap)}:{value} = '{role}' must be one of {string.Join(", ", Roles.All)}.", [nameof(RoleMap)]);
            }
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
