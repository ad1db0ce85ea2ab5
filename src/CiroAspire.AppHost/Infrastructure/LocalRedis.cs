using System.Net.Sockets;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CiroAspire.AppHost.Infrastructure;

/// <summary>redis-server from the machine's package, in memory only (no RDB/AOF files): the cache and pub/sub.</summary>
public sealed class LocalRedisResource(string name) : ExecutableResource(name, "redis-server", "."), IResourceWithConnectionString
{
    public EndpointReference Endpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}

public static class LocalRedisExtensions
{
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var redis = new LocalRedisResource(name);
        var healthKey = $"{name}-ping";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, async ct =>
        {
            try
            {
                var port = int.Parse(await redis.Endpoint.Property(EndpointProperty.Port).GetValueAsync(ct) ?? "0");
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, ct);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
                var buffer = new byte[64];
                var read = await stream.ReadAsync(buffer, ct);
                var reply = Encoding.ASCII.GetString(buffer, 0, read);
                return reply.StartsWith("+PONG", StringComparison.Ordinal)
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"PING answered '{reply.Trim()}'");
            }
            catch (Exception ex) when (ex is SocketException or IOException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        });

        return builder.AddResource(redis)
            .WithEndpoint(name: "tcp", scheme: "tcp", env: "REDIS_PORT")
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add("no");
            })
            .WithHealthCheck(healthKey)
            .ExcludeFromManifest();
    }
}
