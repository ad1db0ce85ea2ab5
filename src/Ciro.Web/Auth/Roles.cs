namespace Ciro.Web.Auth;

/// <summary>The roles of the API keys (src/Ciro.Auth): admin ⊇ operator ⊇ viewer. The web does not reference
/// Ciro.Auth (stored keys, the database, JWT) for these three names; the AppHost links this file.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";
    public static readonly string[] All = [Viewer, Operator, Admin];

    public static int Level(string? role) => role switch { Viewer => 1, Operator => 2, Admin => 3, _ => 0 };

    public static string PolicyName(string role) => "role:" + role;
}
