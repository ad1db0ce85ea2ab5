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
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChainBootstrap));
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        // History ends now, so "last 5 minutes" charts show live blocks rather than 1970 or the future.
        var freshGenesis = now.ToUnixTimeSeconds() - (long)options.PregenerateBlocks * options.BlockIntervalMs / 1000;
        var catchUpBlocks = 0L;
        if (!string.IsNullOrEmpty(options.ChainFile))
        {
            var file = ChainFile.Load(options.ChainFile, options, out var difference);
            if (file is null)
            {
                file = ChainFile.For(options, freshGenesis);
                file.Save(options.ChainFile);
                logger.LogInformation("New chain (chain file {Path}: {Difference}): genesis {Genesis}, seed {Seed}",
                    options.ChainFile, difference, DateTimeOffset.FromUnixTimeSeconds(file.GenesisTimestamp), options.Seed);
            }
            else
            {
                logger.LogInformation("Same chain as before (chain file {Path}): genesis {Genesis}, seed {Seed}; rebuilding it up to now",
                    options.ChainFile, DateTimeOffset.FromUnixTimeSeconds(file.GenesisTimestamp), options.Seed);
            }
            generator.GenesisTimestamp = file.GenesisTimestamp;
            catchUpBlocks = Math.Max(0, file.BlocksDue(now) - options.PregenerateBlocks);
        }
        else if (options.StartTimestamp == 0)
        {
            generator.GenesisTimestamp = freshGenesis;
        }
        var chain = new ChainStore(options, generator, services.GetRequiredService<Accounts>());
        if (options.PregenerateBlocks > 0)
        {
            Record(services, logger, "Pre-generated", chain.Pregenerate(options.PregenerateBlocks, options.EventsPerBlock));
        }
        if (catchUpBlocks > 0)
        {
            // The blocks the timer sealed (or would have) after the pre-generated history: the steady chain, as live.
            Record(services, logger, "Caught up to the wall clock:", chain.Pregenerate((int)Math.Min(catchUpBlocks, int.MaxValue), 0));
        }
        return chain;
    }

    private static void Record(IServiceProvider services, ILogger logger, string what, ChainStore.PregenerationResult result)
    {
        services.GetRequiredService<PregenerationStats>().Record(result.Blocks, result.Transactions, result.Events, result.Elapsed);
        logger.LogInformation(
            "{What} {Blocks} blocks, {Transactions} transactions, {Events} events in {ElapsedMs} ms ({Rate:N0} events/s)",
            what, result.Blocks, result.Transactions, result.Events, result.Elapsed.TotalMilliseconds, result.Events / Math.Max(1e-9, result.Elapsed.TotalSeconds));
    }
}
