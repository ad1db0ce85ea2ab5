using Ciro.ChainSimulator.Chain;
using Ciro.ChainSimulator.Generation;

namespace Ciro.ChainSimulator.Services;

/// <summary>
/// Builds block 0 and the configured pre-generated history before the server accepts requests, so a client's
/// first call already sees the whole history (start-up takes as long as pre-generation, a few seconds for 1M events).
/// </summary>
public static class ChainBootstrap
{
    public static ChainStore Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SimulatorOptions>>().Value;
        var generator = services.GetRequiredService<BlockGenerator>();
        if (options.StartTimestamp == 0)
        {
            // History ends now, so "last 5 minutes" charts show live blocks rather than 1970 or the future.
            generator.GenesisTimestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (long)options.PregenerateBlocks * options.BlockIntervalMs / 1000;
        }
        var chain = new ChainStore(options, generator, services.GetRequiredService<Accounts>());
        if (options.PregenerateBlocks > 0)
        {
            var result = chain.Pregenerate(options.PregenerateBlocks, options.EventsPerBlock);
            services.GetRequiredService<PregenerationStats>().Record(result.Blocks, result.Transactions, result.Events, result.Elapsed);
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChainBootstrap)).LogInformation(
                "Pre-generated {Blocks} blocks, {Transactions} transactions, {Events} events in {ElapsedMs} ms ({Rate:N0} events/s)",
                result.Blocks, result.Transactions, result.Events, result.Elapsed.TotalMilliseconds, result.Events / Math.Max(1e-9, result.Elapsed.TotalSeconds));
        }
        return chain;
    }
}
