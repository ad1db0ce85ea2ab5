namespace Ciro.Analytics.Recommendations;

/// <summary>Evaluates the recommendations every <see cref="AnalyticsOptions.RecommendationIntervalMinutes"/> (the first
/// run one interval after start), over the week before the newest block. A failed run is logged and tried again at
/// the next tick.</summary>
public sealed class RecommendationScheduler(RecommendationEngine engine, Microsoft.Extensions.Options.IOptions<AnalyticsOptions> options,
    TimeProvider clock, ILogger<RecommendationScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(options.Value.RecommendationIntervalMinutes);
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await engine.EvaluateAsync(null, null, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Recommendation evaluation failed; next try in {Interval}", interval);
            }
        }
    }
}
