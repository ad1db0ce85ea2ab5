namespace Ciro.LocalInfrastructure;

/// <summary>Files holding secrets (database passwords): readable by their owner only from the moment they exist,
/// never written world-readable and chmod-ed afterwards.</summary>
public static class SecretFile
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> with mode 0600 and writes <paramref name="secret"/>; fails if it exists.</summary>
    public static void Create(string path, string secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Mode;
        }
        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(secret);
    }
}
