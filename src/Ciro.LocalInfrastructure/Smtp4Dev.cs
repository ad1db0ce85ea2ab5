namespace Ciro.LocalInfrastructure;

/// <summary>smtp4dev (installed as a dotnet tool into .tools/ by scripts/setup.sh): catches every alert email and
/// shows it in its web UI and REST API, so the email path can be checked end to end without a real mail server.</summary>
public static class Smtp4Dev
{
    /// <summary>The tool's executable in the checkout at <paramref name="repoRoot"/>; a clear error when it is missing.</summary>
    public static string Program(string repoRoot)
    {
        var tool = Path.Combine(repoRoot, ".tools", "smtp4dev");
        return File.Exists(tool)
            ? tool
            : throw new InvalidOperationException(
                $"smtp4dev is not installed at '{tool}': run scripts/setup.sh, or set ConnectionStrings:mail to an SMTP server (smtp://host:port).");
    }

    /// <summary>In-memory mailbox, SMTP without TLS, no IMAP/POP3, web UI on <paramref name="webUrl"/>
    /// (http://127.0.0.1:port). Ports and URL are values, or Aspire expressions the AppHost fills in.</summary>
    public static IReadOnlyList<object> Arguments(object smtpPort, object webUrl) =>
    [
        "--smtpport", smtpPort,
        "--urls", webUrl,
        "--db=",
        "--imapport=0",
        "--pop3port=0",
        "--tlsmode=None",
        "--nousersettings",
        "--hostname=localhost",
    ];
}
