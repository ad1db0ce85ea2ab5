namespace Ciro.Web.Auth;

/// <summary>The roles of analytics' API keys (Ciro.Analytics/Auth/AuthOptions.cs): admin ⊇ operator ⊇ viewer.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";
    public static readonly string[] All = [Viewer, Operator, Admin];

    public static int Level(string? role) => role switch { Viewer => 1, Operator => 2, Admin => 3, _ => 0 };

    public static string PolicyName(string role) => "role:" + role;
}
