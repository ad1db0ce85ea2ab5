using Ciro.Storage;
using CiroAspire.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CiroAspire.AppHost;

/// <summary>How the AppHost provides each piece of infrastructure and wires the Ciro services.</summary>
internal static class CiroResources
{
    public const string DatabaseName = "ciro";
    public const string CacheName = "cache";
    public const string MailName = "mail";
    public const string SimulatorAdminKeyName = "simulator-admin-key";

    /// <summary>The database and the connection string of each service's role: the local server's roles get their
    /// logins here (passwords in 0600 files beside the data); an external database takes the roles' connection
    /// strings from configuration (<c>ConnectionStrings:ciro-indexer</c>, …), or has every service use the owner's.</summary>
    public static CiroDatabase AddCiroDatabase(this IDistributedApplicationBuilder builder, InfrastructureMode mode, string dataRoot)
    {
        if (HasConnectionString(builder, DatabaseName))
        {
            var owner = builder.AddConnectionString(DatabaseName);
            string[] services = ["indexer", "analytics", "alerts"];
            if (!services.All(s => HasConnectionString(builder, CiroDatabase.RoleConnectionName(s))))
            {
                return CiroDatabase.OwnerOnly(owner, $"ConnectionStrings:{DatabaseName} is given without the service roles'");
            }
            return new(owner, builder.AddConnectionString(CiroDatabase.RoleConnectionName("indexer")),
                builder.AddConnectionString(CiroDatabase.RoleConnectionName("analytics")),
                builder.AddConnectionString(CiroDatabase.RoleConnectionName("alerts")));
        }
        if (mode == InfrastructureMode.Containers)
        {
            // TimescaleDB image: the indexer turns the time-series tables into hypertables when it sees the extension.
            var container = builder.AddPostgres("postgres")
                .WithImage("timescale/timescaledb", "latest-pg17")
                .WithDataVolume()
                .AddDatabase(DatabaseName);
            return CiroDatabase.OwnerOnly(container, "the container mode does not give the service roles logins");
        }
        var local = builder.AddLocalPostgres("postgres", DatabaseName, dataRoot);
        IResourceBuilder<IResourceWithConnectionString> Role(string service, string role) =>
            builder.AddConnectionString(CiroDatabase.RoleConnectionName(service), local.Resource.ServiceConnectionString(role));
        return new(local, Role("indexer", DatabaseRoles.Indexer), Role("analytics", DatabaseRoles.Analytics), Role("alerts", DatabaseRoles.Alerts));
    }

    public static IResourceBuilder<IResourceWithConnectionString> AddCiroCache(this IDistributedApplicationBuilder builder, InfrastructureMode mode)
    {
        if (HasConnectionString(builder, CacheName))
        {
            return builder.AddConnectionString(CacheName);
        }
        return mode == InfrastructureMode.Containers
            ? builder.AddRedis(CacheName)
            : builder.AddLocalRedis(CacheName);
    }

    public static IResourceBuilder<IResourceWithConnectionString> AddCiroMail(
        this IDistributedApplicationBuilder builder, InfrastructureMode mode, string repoRoot)
    {
        if (HasConnectionString(builder, MailName))
        {
            return builder.AddConnectionString(MailName);
        }
        if (mode == InfrastructureMode.Containers)
        {
            var container = builder.AddContainer(MailName + "-server", "rnwood/smtp4dev", "v3")
                .WithEndpoint(name: "smtp", targetPort: 25, scheme: "tcp")
                .WithHttpEndpoint(name: "http", targetPort: 80);
            var smtp = container.GetEndpoint("smtp");
            return builder.AddConnectionString(MailName, ReferenceExpression.Create(
                $"smtp://{smtp.Property(EndpointProperty.Host)}:{smtp.Property(EndpointProperty.Port)}"));
        }
        return builder.AddLocalSmtp4Dev(MailName, repoRoot);
    }

    /// <summary>The chain: an external node (Starknet:RpcUrl), the starknet-devnet container (Ciro:Chain=devnet,
    /// with a container runtime), or by default the Ciro chain simulator, which produces CIRO activity. The
    /// simulator keeps its chain in <paramref name="dataRoot"/> beside the database (Simulator:ChainFile): started
    /// again, by the stack or its own restart command, it serves the same blocks caught up to now, and the indexer
    /// goes on from its cursor.</summary>
    public static IResourceBuilder<IResourceWithEndpoints>? AddCiroChain(this IDistributedApplicationBuilder builder, InfrastructureMode mode, string dataRoot)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Starknet:RpcUrl"]))
        {
            return null;
        }
        var choice = builder.Configuration["Ciro:Chain"] ?? "simulator";
        if (choice.Equals("devnet", StringComparison.OrdinalIgnoreCase))
        {
            if (mode != InfrastructureMode.Containers)
            {
                throw new InvalidOperationException("Ciro:Chain=devnet needs a container runtime; use the simulator or set Starknet:RpcUrl.");
            }
            return builder.AddContainer("chain", "shardlabs/starknet-devnet-rs", "latest")
                .WithHttpEndpoint(targetPort: 5050, name: "http")
                .WithArgs("--seed", "0");
        }
        if (!choice.Equals("simulator", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Configuration 'Ciro:Chain' has value '{choice}'; expected simulator or devnet.");
        }
        // Its admin API (scenarios, reorgs) changes the chain: on for the dashboard's commands, behind a generated key.
        var adminKey = builder.AddParameter(SimulatorAdminKeyName, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var simulator = builder.AddProject<Projects.Ciro_ChainSimulator>("chain")
            .WithCiroDefaults()
            .WithHttpHealthCheck("/health")
            .WithEnvironment("Simulator__Admin__Enabled", "true")
            .WithEnvironment("Simulator__Admin__Key", adminKey)
            .WithForwardedConfiguration("Simulator")
            .WithSimulatorCommands(adminKey);
        if (!builder.ExecutionContext.IsPublishMode && string.IsNullOrEmpty(builder.Configuration["Simulator:ChainFile"]))
        {
            simulator.WithEnvironment("Simulator__ChainFile", Path.Combine(dataRoot, "simulator-chain.json"));
        }
        return simulator;
    }

    public static IResourceBuilder<ProjectResource> WithStarknetRpc(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithEndpoints>? chain)
    {
        if (chain is null)
        {
            return service.WithEnvironment("Starknet__RpcUrl", service.ApplicationBuilder.Configuration["Starknet:RpcUrl"]);
        }
        var endpoint = chain.GetEndpoint("http");
        return service.WithEnvironment("Starknet__RpcUrl", ReferenceExpression.Create($"{endpoint}/rpc")).WaitFor(chain);
    }

    /// <summary>Options every Ciro project resource shares.</summary>
    public static IResourceBuilder<ProjectResource> WithCiroDefaults(this IResourceBuilder<ProjectResource> project, int? httpPort = null)
    {
        if (!project.Resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.Name == "http"))
        {
            project.WithHttpEndpoint(name: "http", port: httpPort);
        }
        // Aspire sets OTLP retries to in-memory; when the dashboard is gone at shutdown that holds each
        // service for ~15 s until DCP kills it. Without it services stop in 1-4 s (measured here).
        return project.WithEnvironment(ctx => ctx.EnvironmentVariables.Remove("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"));
    }

    /// <summary>Passes the AppHost's own configuration section (appsettings, user secrets, command line) to a
    /// service as environment variables, so the whole stack is configured in one place.</summary>
    public static IResourceBuilder<T> WithForwardedConfiguration<T>(this IResourceBuilder<T> resource, string section)
        where T : IResourceWithEnvironment
    {
        foreach (var (key, value) in resource.ApplicationBuilder.Configuration.GetSection(section).AsEnumerable())
        {
            if (value is not null)
            {
                resource.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }
        return resource;
    }

    public static int? GetWebPort(this IConfiguration configuration)
    {
        var text = configuration["Ciro:WebPort"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return 8080;
        }
        if (!int.TryParse(text, out var port) || port is < 0 or > 65535)
        {
            throw new InvalidOperationException($"Configuration 'Ciro:WebPort' has value '{text}'; expected a port 0-65535 (0 = any free port).");
        }
        return port == 0 ? null : port;
    }

    public static IResourceBuilder<ProjectResource> PrintDashboardAddress(this IResourceBuilder<ProjectResource> web)
    {
        web.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(web.Resource, (_, _) =>
        {
            Console.WriteLine($"Ciro dashboard ready: {web.GetEndpoint("http").Url}");
            return Task.CompletedTask;
        });
        return web;
    }

    private static bool HasConnectionString(IDistributedApplicationBuilder builder, string name) =>
        !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name));
}
