namespace Ciro.LocalInfrastructure;

/// <summary>
/// The OS user a local PostgreSQL runs as. PostgreSQL refuses to run as root (initdb and postgres both exit with
/// "cannot be run as root"), so as root the kit runs them as the <c>postgres</c> user the Debian package creates,
/// through <c>setpriv</c>; as anyone else they run as that user.
/// </summary>
public static class PostgresUser
{
    public const string Name = "postgres";

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>The command line that runs <paramref name="program"/> as the server's user.</summary>
    public static IReadOnlyList<string> Command(string program, params IEnumerable<string> arguments) =>
        IsRoot
            ? ["setpriv", $"--reuid={Name}", $"--regid={Name}", "--init-groups", "--", program, .. arguments]
            : [program, .. arguments];

    /// <summary>Whether the server's user can enter <paramref name="directory"/> (search permission on it and
    /// every directory above it): what PostgreSQL needs to reach a data folder inside it.</summary>
    public static bool CanEnter(string directory)
    {
        if (!IsRoot)
        {
            return true; // the server runs as us, and we reached this directory to name it
        }
        var command = Command("test", "-x", directory);
        using var test = new ChildProcess(command[0], command.Skip(1));
        return test.WaitForExitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult() == 0;
    }

    /// <summary>The nearest directory, from the filesystem root down, that the server's user cannot enter; null when it
    /// can enter all of them. Named in the log so the reason for a data-folder choice can be checked.</summary>
    public static string? FirstUnreachable(string directory)
    {
        var path = Path.GetFullPath(directory);
        var chain = new List<string>();
        for (var d = path; d is not null; d = Path.GetDirectoryName(d))
        {
            chain.Add(d);
        }
        chain.Reverse();
        return chain.FirstOrDefault(d => !CanEnter(d));
    }

    /// <summary>Hands <paramref name="path"/> (recursively) to the server's user; nothing to do when we are that user.</summary>
    public static void Own(string path)
    {
        if (IsRoot)
        {
            ChildProcess.Run("chown", "-R", $"{Name}:{Name}", path);
        }
    }
}
