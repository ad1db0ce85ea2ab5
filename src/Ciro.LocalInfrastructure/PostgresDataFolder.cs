using System.Security.Cryptography;
using System.Text;

namespace Ciro.LocalInfrastructure;

/// <summary>
/// Where a local PostgreSQL keeps its data, and its initdb. The server runs as the <c>postgres</c> user when we are
/// root (<see cref="PostgresUser"/>), and that user cannot reach a folder under a directory only root may enter
/// (<c>/root</c> is mode 700 on Debian, where a root user clones by default): initdb then fails with "could not
/// access directory … Permission denied". So when the requested folder is out of the server user's reach, the data
/// goes to a folder of its own under <see cref="FallbackRoot"/>, named by a hash of the requested path (one per
/// checkout, stable between runs). <see cref="Choice"/> says which folder was taken and why, for the log.
/// </summary>
public sealed record PostgresDataFolder(string Directory, string Requested, string Choice)
{
    public const string FallbackRoot = "/var/lib/ciro";

    /// <summary>The file beside the data folder holding the superuser password (mode 0600).</summary>
    public string PasswordFile => Directory + ".password";

    /// <summary>The file beside the data folder holding the password of a service's role (mode 0600), e.g.
    /// <c>.data/postgres.ciro_indexer.password</c>.</summary>
    public string RolePasswordFile(string role) => $"{Directory}.{role}.password";

    /// <summary>The password of each service role, read from its file or, the first time, generated into it (mode
    /// 0600 from creation). <see cref="ServiceLogins.ProvisionAsync"/> gives the roles these passwords.</summary>
    public IReadOnlyDictionary<string, string> EnsureRolePasswords(IEnumerable<string> roles)
    {
        var passwords = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            var file = RolePasswordFile(role);
            if (!File.Exists(file))
            {
                SecretFile.Create(file, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
            }
            passwords[role] = File.ReadAllText(file).Trim();
        }
        return passwords;
    }

    public bool IsInitialised => File.Exists(Path.Combine(Directory, "PG_VERSION"));

    /// <summary>Where the server's user can reach the data meant for <paramref name="requested"/>.</summary>
    public static PostgresDataFolder Locate(string requested)
    {
        requested = Path.GetFullPath(requested);
        var parent = Path.GetDirectoryName(requested)
            ?? throw new ArgumentException($"The PostgreSQL data folder '{requested}' has no parent folder.", nameof(requested));
        System.IO.Directory.CreateDirectory(parent);
        if (PostgresUser.CanEnter(parent))
        {
            return new(requested, requested, $"data in {requested}");
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("A local PostgreSQL runs as another user only on Linux.");
        }
        var blocked = PostgresUser.FirstUnreachable(parent);
        var home = Path.Combine(FallbackRoot, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requested)))[..16]);
        const UnixFileMode everyoneMayEnter = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        System.IO.Directory.CreateDirectory(FallbackRoot, everyoneMayEnter);
        System.IO.Directory.CreateDirectory(home, everyoneMayEnter);
        // Tells whoever lists /var/lib/ciro which checkout a hashed folder belongs to.
        File.WriteAllText(Path.Combine(home, "requested"), requested + "\n");
        var directory = Path.Combine(home, Path.GetFileName(requested));
        return new(directory, requested,
            $"data in {directory}, because the {PostgresUser.Name} user cannot enter {blocked} to reach {requested}");
    }

    /// <summary>
    /// For a server kept between runs: runs initdb once, with a random superuser password (scram-sha-256 on TCP)
    /// kept in <see cref="PasswordFile"/>; later calls return that password. A folder left half-made by an
    /// interrupted first start is made again.
    /// </summary>
    public string EnsureInitialisedWithPassword()
    {
        if (IsInitialised && File.Exists(PasswordFile))
        {
            return File.ReadAllText(PasswordFile).Trim();
        }
        DeleteData();
        File.Delete(PasswordFile);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        SecretFile.Create(PasswordFile, password);
        // initdb reads the password from a file the server's user can open: a 0600 copy handed to that user,
        // inside the data folder's parent (which it can reach), deleted as soon as initdb is done.
        var initdbPasswordFile = Path.Combine(Path.GetDirectoryName(Directory)!, $".initdb-{Guid.NewGuid():N}");
        SecretFile.Create(initdbPasswordFile, password);
        try
        {
            PostgresUser.Own(initdbPasswordFile);
            InitDb("--pwfile=" + initdbPasswordFile, "--auth-host=scram-sha-256", "--auth-local=peer");
        }
        finally
        {
            File.Delete(initdbPasswordFile);
        }
        return password;
    }

    /// <summary>For a throwaway server: initdb with trust authentication (it listens on loopback only) and no fsync.</summary>
    public void InitialiseTrusted()
    {
        DeleteData();
        InitDb("--auth=trust", "--no-sync");
    }

    /// <summary>Removes the data, its password file and, when the data lived under <see cref="FallbackRoot"/>, its folder there.</summary>
    public void Delete()
    {
        DeleteData();
        File.Delete(PasswordFile);
        var folder = Path.GetDirectoryName(Directory)!;
        if (System.IO.Directory.Exists(folder))
        {
            foreach (var rolePassword in System.IO.Directory.EnumerateFiles(folder, Path.GetFileName(Directory) + ".*.password"))
            {
                File.Delete(rolePassword);
            }
        }
        if (Directory != Requested)
        {
            var home = Path.GetDirectoryName(Directory)!;
            if (System.IO.Directory.Exists(home))
            {
                System.IO.Directory.Delete(home, recursive: true);
            }
        }
    }

    private void InitDb(params string[] authentication)
    {
        System.IO.Directory.CreateDirectory(Directory);
        PostgresUser.Own(Directory);
        var command = PostgresUser.Command(PostgresInstallation.Program("initdb"),
            ["-D", Directory, "-U", "postgres", "-E", "UTF8", "--no-instructions", .. authentication]);
        ChildProcess.RunIn(Path.GetDirectoryName(Directory), command[0], command.Skip(1));
    }

    private void DeleteData()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
