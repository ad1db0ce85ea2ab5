using System.Security.Cryptography;
using System.Text;

namespace Ciro.Web.Auth;

/// <summary>
/// Stored passwords: "pbkdf2-sha256$&lt;iterations&gt;$&lt;salt, base64&gt;$&lt;hash, base64&gt;" (PBKDF2-HMAC-SHA256,
/// 600,000 iterations by default, OWASP's 2023 figure; 16-byte salt, 32-byte hash). The iteration count travels
/// with the hash so it can be raised later without invalidating existing users. Only the .NET base library is
/// used, so the AppHost can hash the dev admin password with the same code (linked source file).
/// </summary>
public static class PasswordHash
{
    public const string Scheme = "pbkdf2-sha256";
    public const int DefaultIterations = 600_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Create(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Whether <paramref name="stored"/> has the expected shape; the error names what is wrong (never the hash).</summary>
    public static bool TryParse(string? stored, out int iterations, out byte[] salt, out byte[] hash, out string error)
    {
        iterations = 0;
        salt = hash = [];
        var parts = (stored ?? "").Split('$');
        if (parts.Length != 4 || parts[0] != Scheme)
        {
            error = $"is not of the form {Scheme}$<iterations>$<salt>$<hash> (create one with: dotnet run --project src/Ciro.Web -- hash-password)";
            return false;
        }
        if (!int.TryParse(parts[1], out iterations) || iterations < 10_000)
        {
            error = $"has {parts[1]} iterations; at least 10000 are required";
            return false;
        }
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            error = "has a salt or hash that is not base64";
            return false;
        }
        if (salt.Length < SaltBytes || hash.Length != HashBytes)
        {
            error = $"needs a salt of at least {SaltBytes} bytes and a hash of {HashBytes} bytes";
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>Constant-time comparison of the derived hash; a malformed stored value never matches.</summary>
    public static bool Verify(string password, string stored)
    {
        if (!TryParse(stored, out var iterations, out var salt, out var expected, out _))
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
