using Ciro.LocalInfrastructure;

namespace CiroAspire.AppHost.Infrastructure;

/// <summary>smtp4dev from .tools/ (<see cref="Smtp4Dev"/>): catches every alert email, shown in its web UI.</summary>
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
        var smtp = new LocalSmtpResource(name, Smtp4Dev.Program(repoRoot));
        return builder.AddResource(smtp)
            .WithEndpoint(name: "smtp", scheme: "tcp")
            .WithHttpEndpoint(name: "http")
            .WithArgs([.. Smtp4Dev.Arguments(
                smtp.Smtp.Property(EndpointProperty.TargetPort),
                ReferenceExpression.Create($"http://127.0.0.1:{smtp.GetEndpoint("http").Property(EndpointProperty.TargetPort)}"))])
            .WithHttpHealthCheck("/api/messages")
            .ExcludeFromManifest();
    }
}
