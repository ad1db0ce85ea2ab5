using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ciro.Starknet.Rpc;

public static class StarknetServiceCollectionExtensions
{
    /// <summary>Registers <see cref="StarknetRpcClient"/> as a typed HttpClient whose BaseAddress is the RPC URL.
    /// The client retries transient faults itself and applies a per-attempt timeout, so HttpClient.Timeout is
    /// disabled here; callers should not add a second retrying handler on top.</summary>
    public static IHttpClientBuilder AddStarknetRpcClient(
        this IServiceCollection services,
        Func<IServiceProvider, Uri> endpoint,
        Action<StarknetRpcClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var options = new StarknetRpcClientOptions();
        configure?.Invoke(options);
        services.AddMetrics();
        return services
            .AddHttpClient<StarknetRpcClient>((sp, client) =>
            {
                client.BaseAddress = endpoint(sp);
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddTypedClient((http, sp) => new StarknetRpcClient(
                http,
                sp.GetService<ILogger<StarknetRpcClient>>(),
                options,
                StarknetRpcMetrics.Create(sp.GetService<IMeterFactory>()),
                sp.GetService<TimeProvider>()));
    }
}
