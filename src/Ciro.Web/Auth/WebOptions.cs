using System.ComponentModel.DataAnnotations;

namespace Ciro.Web.Auth;

/// <summary>The dashboard's users, sessions, backend keys and rate limits (section <see cref="SectionName"/>),
/// validated at start with messages naming the key; hashes and keys are never echoed.</summary>
public sealed class WebOptions : IValidatableObject
{
    public const string SectionName = "Ciro:Web";

    /// <summary>Who may sign in: Ciro:Web:Users:&lt;name&gt;:PasswordHash (see <see cref="PasswordHash"/>) and …:Role.
    /// Keep them in user secrets or the deployment's secret store.</summary>
    public Dictionary<string, WebUser> Users { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A session ends after this long without a request (sliding), and the cookie with it.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The analytics/alerts key the proxy uses for operators and admins (a service key with the operator
    /// role). Viewers are served with Ciro:AnalyticsApiKey, the viewer key.</summary>
    public string? OperatorApiKey { get; set; }

    public RateLimitOptions RateLimit { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, user) in Users)
        {
            if (Roles.Level(user.Role) == 0)
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(Users)}:{name}:{nameof(WebUser.Role)} = '{user.Role}' must be one of {string.Join(", ", Roles.All)}.", [nameof(Users)]);
            }
            if (!PasswordHash.TryParse(user.PasswordHash, out _, out _, out _, out var error))
            {
                yield return new ValidationResult($"{SectionName}:{nameof(Users)}:{name}:{nameof(WebUser.PasswordHash)} {error}.", [nameof(Users)]);
            }
        }
        if (SessionIdleTimeout < TimeSpan.FromMinutes(1) || SessionIdleTimeout > TimeSpan.FromDays(30))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(SessionIdleTimeout)} = {SessionIdleTimeout} must be between 00:01:00 and 30.00:00:00.", [nameof(SessionIdleTimeout)]);
        }
        if (RateLimit.RequestsPerMinute < 1 || RateLimit.LoginAttemptsPerMinute < 1)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(RateLimit)}: RequestsPerMinute = {RateLimit.RequestsPerMinute} and LoginAttemptsPerMinute = " +
                $"{RateLimit.LoginAttemptsPerMinute} must be at least 1.", [nameof(RateLimit)]);
        }
    }
}

public sealed class WebUser
{
    public string PasswordHash { get; set; } = "";
    public string Role { get; set; } = Roles.Viewer;
}

public sealed class RateLimitOptions
{
    /// <summary>Requests to /api, /hubs and /auth per signed-in user (or per client address when anonymous) per minute.</summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>Sign-in attempts per client address per minute, right or wrong: bounds password guessing.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 10;
}
