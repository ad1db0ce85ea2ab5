using Aspire.Hosting.ApplicationModel;

namespace CiroAspire.AppHost.Infrastructure;

/// <summary>smtp4dev (installed as a dotnet tool by scripts/setup.sh): catches every alert email and shows it
/// in its web UI and REST API, so the email path can be checked end to end without a real mail server.</summary>
public sealed class LocalSmtpResource(string name, string command) : ExecutableResource(name, command, "."), IResourceWithConnectionString
{
    public EndpointReference Smtp => new(this, "smtp");

    /// <summary>Read by Ciro.Alerts as ConnectionStrings:mail.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"smtp://{Smtp.Property(EndpointProperty.Host)}:{Smtp.Property(EndpointProperty.Port)}");
}

public static class LocalSmtpExtensions
{
    public static IResourceBuilder<LocalSmtpResource> AddLocalSmtp4Dev(this IDistributedApplicationBuilder builder, string name, string repoRoot)
    {
        var tool = Path.Combine(repoRoot, ".tools", "smtp4dev");
        if (!File.Exists(tool))
        {
            throw new InvalidOperationException(
                $"smtp4dev is not installed at '{tool}': run scripts/setup.sh, or set ConnectionStrings:mail to an SMTP server (smtp://host:port).");
        }
        var smtp = new LocalSmtpResource(name, tool);
        return builder.AddResource(smtp)
            .WithEndpoint(name: "smtp", scheme: "tcp")
            .WithHttpEndpoint(name: "http")
            .WithArgs(context =>
            {
                context.Args.Add(ReferenceExpression.Create($"--smtpport={smtp.Smtp.Property(EndpointProperty.TargetPort)}"));
                context.Args.Add(ReferenceExpression.Create($"--urls=http://127.0.0.1:{smtp.GetEndpoint("http").Property(EndpointProperty.TargetPort)}"));
                context.Args.Add("--db=");
                context.Args.Add("--imapport=0");
                context.Args.Add("--pop3port=0");
                context.Args.Add("--tlsmode=None");
                context.Args.Add("--nousersettings");
                context.Args.Add("--hostname=localhost");
            })
            .WithHttpHealthCheck("/api/messages")
            .ExcludeFromManifest();
    }
}
