using Ciro.Analytics.Onchain;

namespace Ciro.Analytics.Tests;

/// <summary>The 1-in-N estimator on populations whose size we know: Bernoulli sampling (the tx-hash keys are
/// uniform), many seeds, the 95% interval's coverage.</summary>
public sealed class SampledEstimateTests
{
    [Theory]
    [InlineData(10, 1000)]
    [InlineData(100, 1000)]
    [InlineData(16, 50)]
    [InlineData(64, 5000)]
    public void The_interval_covers_the_true_count_at_least_95_percent_of_the_time(int rate, int population)
    {
        const int seeds = 2000;
        var covered = 0;
        var totalError = 0.0;
        for (var seed = 0; seed < seeds; seed++)
        {
            var random = new Random(seed);
            var samples = Enumerable.Range(0, population).Where(_ => random.Next(rate) == 0).Select(_ => (long)rate).ToList();
            var estimate = SampledEstimate.Total(samples, rate);
            covered += estimate.Contains(population) ? 1 : 0;
            totalError += Math.Abs(estimate.Value - population) / population;
        }
        var coverage = covered / (double)seeds;
        Assert.True(coverage >= 0.95, $"rate {rate}, {population} calls: coverage {coverage:P1}, mean error {totalError / seeds:P1}");
        Assert.True(coverage <= 0.995, $"rate {rate}: coverage {coverage:P1} — the interval is needlessly wide");
    }

    [Fact]
    public void At_rate_1_the_estimate_is_the_count_and_the_interval_has_no_width()
    {
        var estimate = SampledEstimate.Total([.. Enumerable.Repeat(1L, 37)], 1);
        Assert.Equal(new Estimate(37, 37, 37, 37), estimate);
    }

    [Fact]
    public void Mixed_rates_add_each_samples_own_rate_and_an_empty_hour_still_has_an_upper_bound()
    {
        var estimate = SampledEstimate.Total([4, 4, 2, 2, 2], 2);
        Assert.Equal(14, estimate.Value);
        Assert.Equal(5, estimate.Samples);
        Assert.True(estimate.Low >= 5 && estimate.Low < 14 && estimate.High > 14, $"{estimate}");
        var none = SampledEstimate.Total([], 64);
        Assert.Equal(0, none.Value);
        Assert.Equal(64 * SampledEstimate.PoissonUpper(0) * Math.Sqrt(1 - 1 / 64.0), none.High, 6);
        Assert.InRange(SampledEstimate.PoissonUpper(0), 3.689 * 0.99, 3.689 * 1.01); // exact: 3.689
    }
}
