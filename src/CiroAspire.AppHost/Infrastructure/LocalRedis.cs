using System.Net.Sockets;
using System.Text;
using Ciro.LocalInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CiroAspire.AppHost.Infrastructure;

/// <summary>redis-server with the local-infrastructure kit's arguments (in memory only): the cache and pub/sub.</summary>
public sealed class LocalRedisResource(string name) : ExecutableResource(name, LocalRedis.Program, "."), IResourceWithConnectionString
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
            .WithArgs([.. LocalRedis.Arguments(redis.Endpoint.Property(EndpointProperty.TargetPort))])
            .WithHealthCheck(healthKey)
            .ExcludeFromManifest();
    }
}
