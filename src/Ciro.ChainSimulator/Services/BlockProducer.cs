using Ciro.ChainSimulator.Chain;

namespace Ciro.ChainSimulator.Services;

/// <summary>Seals the pre-confirmed block every BlockIntervalMs: the chain's clock.</summary>
public sealed class BlockProducer(ChainStore chain, SimulatorOptions options, ILogger<BlockProducer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.BlockIntervalMs));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var block = chain.SealPending();
                logger.LogDebug("Sealed block {Number} {Hash} with {Transactions} transactions and {Events} events",
                    block.Number, block.Hash, block.Transactions.Length, block.Events.Length);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed block must not stop the chain: log it and try again on the next tick.
                logger.LogError(e, "Sealing the next block failed");
            }
        }
    }
}
