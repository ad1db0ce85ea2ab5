using Ciro.LocalInfrastructure;
using Ciro.Web.Auth;

namespace CiroAspire.AppHost;

/// <summary>Who may sign in to the Ciro dashboard.</summary>
internal static class WebUsers
{
    public const string AdminName = "admin";
    public const string AdminPasswordFile = "web-admin.password";
    public const string AdminPasswordHashParameter = "web-admin-password-hash";

    /// <summary>
    /// Local runs: an "admin" user whose password is generated once into &lt;DataDirectory&gt;/web-admin.password
    /// (mode 0600 from creation; kept between runs) and printed as a path, never as a value; the web gets only its
    /// hash. The production shape: the hash is a secret parameter the deployment supplies
    /// (<c>dotnet run --project src/Ciro.Web -- hash-password</c>). More users: Ciro:Web:Users:* on the web.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDashboardAdmin(this IResourceBuilder<ProjectResource> web, bool production, string dataRoot)
    {
        web.WithEnvironment($"Ciro__Web__Users__{AdminName}__Role", Roles.Admin);
        if (production)
        {
            var hash = web.ApplicationBuilder.AddParameter(AdminPasswordHashParameter, secret: true)
                .WithDescription("PBKDF2 hash of the dashboard's admin password (dotnet run --project src/Ciro.Web -- hash-password).");
            return web.WithEnvironment($"Ciro__Web__Users__{AdminName}__PasswordHash", hash);
        }
        var file = Path.Combine(dataRoot, AdminPasswordFile);
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(dataRoot);
            SecretFile.Create(file, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_'));
        }
        var password = File.ReadAllText(file).Trim();
        Console.WriteLine($"Ciro dashboard sign-in: user '{AdminName}', password in {file}");
        return web.WithEnvironment($"Ciro__Web__Users__{AdminName}__PasswordHash", PasswordHash.Create(password));
    }
}
