using System.ComponentModel.DataAnnotations;

namespace Ciro.Auth;

/// <summary>Access control settings (section <see cref="SectionName"/>), validated at start with messages naming the key.
/// Keys and secrets are never echoed in those messages.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string SectionName = "Ciro:Auth";

    /// <summary>An admin key accepted from configuration (Ciro__Auth__BootstrapAdminKey) for first start and
    /// automation; use it to create stored keys, then rotate it away. Empty = none.</summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>While no key has ever been issued (no bootstrap or service key, no stored key, revoked or not),
    /// viewer endpoints answer without a key, so a fresh local stack works before anyone sets up access.
    /// Revoking keys never re-opens it. Production must set this to false.</summary>
    public bool AllowAnonymousViewer { get; set; } = true;

    /// <summary>Keys of other services, from configuration (Ciro__Auth__ServiceKeys__web__Key, …__Role): the
    /// AppHost generates them so the dashboard proxy and the alerts service read with a viewer key even when
    /// anonymous access is off. Compared like the bootstrap key; never stored.</summary>
    public Dictionary<string, ServiceKey> ServiceKeys { get; set; } = [];

    public JwtOptions Jwt { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(BootstrapAdminKey) && BootstrapAdminKey.Length < 16)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(BootstrapAdminKey)} has {BootstrapAdminKey.Length} characters; it must have at least 16.", [nameof(BootstrapAdminKey)]);
        }
        foreach (var (name, key) in ServiceKeys.Where(k => k.Value.Key.Length < 16 || Roles.Level(k.Value.Role) == 0))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ServiceKeys)}:{name} needs a Key of at least 16 characters (has {key.Key.Length}) and a Role of " +
                $"{string.Join(", ", Roles.All)} (is '{key.Role}').", [nameof(ServiceKeys)]);
        }
        if (!string.IsNullOrEmpty(Jwt.Authority) && !Uri.IsWellFormedUriString(Jwt.Authority, UriKind.Absolute))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(Jwt)}:{nameof(JwtOptions.Authority)} = '{Jwt.Authority}' must be an absolute URL.", ["Jwt.Authority"]);
        }
        // Without an audience every token the issuer signs for any application would be accepted here,
        // including an admin role meant for another service.
        if (!string.IsNullOrEmpty(Jwt.Authority) && string.IsNullOrWhiteSpace(Jwt.Audience))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(Jwt)}:{nameof(JwtOptions.Audience)} is empty; it is required when {SectionName}:{nameof(Jwt)}:{nameof(JwtOptions.Authority)} " +
                $"is set ('{Jwt.Authority}'), so only tokens issued for Ciro are accepted.", ["Jwt.Audience"]);
        }
    }
}

public sealed class ServiceKey
{
    public string Key { get; set; } = "";
    public string Role { get; set; } = Roles.Viewer;
}

/// <summary>Optional OIDC bearer tokens: enabled when Authority is set, which then requires Audience. The role
/// claim carries viewer/operator/admin.</summary>
public sealed class JwtOptions
{
    public string? Authority { get; set; }
    public string? Audience { get; set; }
    public string RoleClaim { get; set; } = "roles";
    public bool RequireHttpsMetadata { get; set; } = true;
}

public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";
    public static readonly string[] All = [Viewer, Operator, Admin];

    /// <summary>admin ⊇ operator ⊇ viewer.</summary>
    public static int Level(string? role) => role switch { Viewer => 1, Operator => 2, Admin => 3, _ => 0 };
}
