using CiroAspire.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CiroAspire.AppHost.Deployment;

/// <summary>
/// The production shape of the stack: what `--publisher manifest` writes for Azure Container Apps, and what
/// <c>Ciro:Shape=production</c> runs locally against stand-ins. No chain simulator, devnet or smtp4dev; the
/// Starknet node, the SMTP relay and the alert channels are deployment parameters; PostgreSQL and Redis are
/// either managed services (connection-string parameters) or containers with pinned images and volumes.
/// </summary>
internal static class ProductionShape
{
    // Pinned so a redeploy never pulls a different server. TimescaleDB: the indexer turns the time-series tables
    // into hypertables when it sees the extension. Bump deliberately, with a database backup.
    public const string TimescaleImage = "timescale/timescaledb";
    public const string TimescaleTag = "2.17.2-pg17";
    public const string RedisImage = "redis";
    public const string RedisTag = "7.4.2";

    public const string RpcUrlParameter = "starknet-rpc-url";
    public const string WebSocketUrlParameter = "starknet-ws-url";

    /// <summary>Alert channel settings as deployment parameters → the configuration key Ciro.Alerts reads.
    /// Secret ones become Container Apps secrets (secretRef), never plain environment values.</summary>
    public static readonly IReadOnlyList<ChannelParameter> AlertChannels =
    [
        new("discord", "alerts-discord-webhook-url", "Alerts__Discord__Webhooks__0__Url", Secret: true),
        new("telegram", "alerts-telegram-bot-token", "Alerts__Telegram__BotToken", Secret: true),
        new("telegram", "alerts-telegram-chat-id", "Alerts__Telegram__ChatIds__0", Secret: false),
        new("webhook", "alerts-webhook-url", "Alerts__Webhooks__0__Url", Secret: true),
        new("webhook", "alerts-webhook-signing-secret", "Alerts__Webhooks__0__Secret", Secret: true),
    ];

    /// <summary>Replica counts the design supports: one indexer writes (the PostgreSQL advisory-lock lease),
    /// the second stands by and takes over within a retry interval; analytics, alerts (incidents open once per
    /// rule through a unique index) and the web are stateless between requests. Overridable by Ciro:Replicas:{name}.</summary>
    public static readonly IReadOnlyDictionary<string, int> DefaultReplicas = new Dictionary<string, int>
    {
        ["indexer"] = 2,
        ["analytics"] = 2,
        ["alerts"] = 2,
        ["web"] = 2,
    };

    public static bool IsProductionShape(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return true;
        }
        var shape = builder.Configuration["Ciro:Shape"];
        if (string.IsNullOrWhiteSpace(shape) || shape.Equals("development", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (shape.Equals("production", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        throw new InvalidOperationException($"Configuration 'Ciro:Shape' has value '{shape}'; expected development or production.");
    }

    /// <summary>PostgreSQL: <c>Ciro:Deploy:Database=managed</c> (default; the owner's connection string is a secret
    /// parameter, e.g. Azure Database for PostgreSQL flexible server with TimescaleDB allow-listed) or
    /// <c>container</c> (TimescaleDB image, pinned, data on a named volume). Either way each service connects as its
    /// own role through a secret connection-string parameter (<c>ciro-indexer</c>, <c>ciro-analytics</c>,
    /// <c>ciro-alerts</c>); the owner's goes to the indexer's migrations only. The migrations create the roles;
    /// their passwords are set once by the database's administrator (README "Deploying to Azure Container Apps").</summary>
    public static CiroDatabase AddProductionDatabase(this IDistributedApplicationBuilder builder)
    {
        var owner = builder.PlacementOf("Database") == Placement.Managed
            ? builder.AddConnectionString(CiroResources.DatabaseName)
            : builder.AddPostgres("postgres")
                .WithImage(TimescaleImage, TimescaleTag)
                .WithDataVolume("ciro-postgres-data")
                .AddDatabase(CiroResources.DatabaseName);
        return new(owner,
            builder.AddConnectionString(CiroDatabase.RoleConnectionName("indexer")),
            builder.AddConnectionString(CiroDatabase.RoleConnectionName("analytics")),
            builder.AddConnectionString(CiroDatabase.RoleConnectionName("alerts")));
    }

    /// <summary>Redis: <c>Ciro:Deploy:Cache=managed</c> (default; e.g. Azure Cache for Redis) or <c>container</c>
    /// (pinned image, append-only file on a named volume).</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddProductionCache(this IDistributedApplicationBuilder builder)
    {
        if (builder.PlacementOf("Cache") == Placement.Managed)
        {
            return builder.AddConnectionString(CiroResources.CacheName);
        }
        return builder.AddRedis(CiroResources.CacheName)
            .WithImageTag(RedisTag)
            .WithDataVolume("ciro-redis-data")
            .WithPersistence();
    }

    /// <summary>The SMTP relay, smtp://host:port or smtps://host:port, as a secret connection-string parameter.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddProductionMail(this IDistributedApplicationBuilder builder) =>
        builder.AddConnectionString(CiroResources.MailName);

    /// <summary>The indexer's Starknet node: JSON-RPC and websocket URLs as required secret parameters (hosted
    /// node URLs usually carry an API key).</summary>
    public static IResourceBuilder<ProjectResource> WithStarknetNodeParameters(this IResourceBuilder<ProjectResource> indexer)
    {
        var rpc = indexer.ApplicationBuilder.AddParameter(RpcUrlParameter, secret: true)
            .WithDescription("Starknet JSON-RPC URL of the node to index (e.g. a mainnet or Sepolia node, v0.10 spec).");
        var ws = indexer.ApplicationBuilder.AddParameter(WebSocketUrlParameter, secret: true)
            .WithDescription("The same node's websocket URL (newHeads wake the indexer; polling stays the fallback).");
        return indexer
            .WithEnvironment("Starknet__RpcUrl", rpc)
            .WithEnvironment("Starknet__WebSocketUrl", ws);
    }

    /// <summary>Parameters of the alert channels chosen by <c>Ciro:Deploy:AlertChannels</c> (default
    /// <c>discord,telegram,webhook</c>; <c>none</c> for email only): a parameter must have a value, so a channel a
    /// team does not use is left out rather than given a dummy. Set after any forwarded Alerts section, so a value
    /// from the publishing machine's configuration can never land in the manifest instead.</summary>
    public static IResourceBuilder<ProjectResource> WithAlertChannelParameters(this IResourceBuilder<ProjectResource> alerts)
    {
        var chosen = ChosenChannels(alerts.ApplicationBuilder.Configuration["Ciro:Deploy:AlertChannels"]);
        foreach (var channel in AlertChannels.Where(c => chosen.Contains(c.Channel)))
        {
            var parameter = alerts.ApplicationBuilder.AddParameter(channel.Name, secret: channel.Secret)
                .WithDescription($"Read by Ciro.Alerts as {channel.ConfigurationKey.Replace("__", ":", StringComparison.Ordinal)}.");
            alerts.WithEnvironment(channel.ConfigurationKey, parameter);
        }
        return alerts;
    }

    private static HashSet<string> ChosenChannels(string? text)
    {
        var known = AlertChannels.Select(c => c.Channel).ToHashSet();
        if (string.IsNullOrWhiteSpace(text))
        {
            return known;
        }
        var chosen = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => c.ToLowerInvariant()).ToHashSet();
        if (chosen.SetEquals(["none"]))
        {
            return [];
        }
        var unknown = chosen.Except(known).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Configuration 'Ciro:Deploy:AlertChannels' has value '{text}'; expected none or a list of {string.Join(", ", known)}.");
        }
        return chosen;
    }

    /// <summary>Replicas, health probes (<c>/health</c> readiness, <c>/alive</c> liveness) and only connection
    /// strings from references (no per-property variables such as CIRO_PASSWORD or URI-encoded copies).</summary>
    public static IResourceBuilder<ProjectResource> WithProductionScale(this IResourceBuilder<ProjectResource> service)
    {
        var name = service.Resource.Name;
        var replicas = service.ApplicationBuilder.Configuration.GetValue<int?>($"Ciro:Replicas:{name}") ?? DefaultReplicas[name];
        if (replicas is < 1 or > 30)
        {
            throw new InvalidOperationException($"Configuration 'Ciro:Replicas:{name}' has value '{replicas}'; expected 1-30.");
        }
        // Probe annotations, not WithHttpProbe: that also adds a health check, and /health is one already.
        var http = service.GetEndpoint("http");
        service.Resource.Annotations.Add(new EndpointProbeAnnotation { Type = ProbeType.Readiness, EndpointReference = http, Path = "/health", PeriodSeconds = 10 });
        service.Resource.Annotations.Add(new EndpointProbeAnnotation { Type = ProbeType.Liveness, EndpointReference = http, Path = "/alive", PeriodSeconds = 10 });
        // WithReference also writes each reference's parts (CIRO_PASSWORD, CIRO_URI, ANALYTICS_HTTP, ...): copies
        // of secrets that no Ciro service reads. Only ConnectionStrings__* and services__* stay.
        var referenced = service.Resource.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(r => r.Type == "Reference")
            .Select(r => r.Resource.Name.ToUpperInvariant().Replace('-', '_') + "_")
            .ToArray();
        return service
            .WithReplicas(replicas)
            .WithEnvironment(context =>
            {
                foreach (var key in context.EnvironmentVariables.Keys.Where(k => referenced.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList())
                {
                    context.EnvironmentVariables.Remove(key);
                }
            });
    }

    private static Placement PlacementOf(this IDistributedApplicationBuilder builder, string piece)
    {
        var text = builder.Configuration[$"Ciro:Deploy:{piece}"];
        if (string.IsNullOrWhiteSpace(text) || text.Equals("managed", StringComparison.OrdinalIgnoreCase))
        {
            return Placement.Managed;
        }
        if (text.Equals("container", StringComparison.OrdinalIgnoreCase))
        {
            return Placement.Container;
        }
        throw new InvalidOperationException($"Configuration 'Ciro:Deploy:{piece}' has value '{text}'; expected managed or container.");
    }
}

/// <summary>One deployment parameter of an alert channel and the configuration key the alerts service reads it under.</summary>
internal sealed record ChannelParameter(string Channel, string Name, string ConfigurationKey, bool Secret);

internal enum Placement
{
    Managed,
    Container,
}
