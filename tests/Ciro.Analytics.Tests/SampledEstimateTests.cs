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

    [Theory]
    [InlineData(5000, 0.10)]
    [InlineData(20000, 0.05)]
    [InlineData(800, 0.25)]
    public void The_rate_for_a_target_keeps_the_error_under_it_in_95_percent_of_runs_and_twice_that_rate_does_not(int population, double target)
    {
        var rate = SampledEstimate.RateForRelativeError(population, target)!.Value;
        // 1 + N e² / 1.96²: 14 for 5,000 calls at ±10 %, 27 for 20,000 at ±5 %, 14 for 800 at ±25 %.
        Assert.Equal((long)Math.Floor(1 + population * target * target / (1.959963984540054 * 1.959963984540054)), rate);
        Assert.Equal(0.95, WithinTarget(rate), 0.015);
        // Twice as sparse doubles the variance: the half-width grows by √2 and about 1 run in 6 misses the target.
        Assert.True(WithinTarget(2 * rate - 1) < 0.90, $"{population} calls at 1/{2 * rate - 1} still within ±{target:P0}");

        double WithinTarget(long r)
        {
            const int seeds = 2000;
            var within = 0;
            for (var seed = 0; seed < seeds; seed++)
            {
                var random = new Random(seed);
                var estimate = Enumerable.Range(0, population).Count(_ => random.NextInt64(r) == 0) * (double)r;
                within += Math.Abs(estimate - population) <= target * population ? 1 : 0;
            }
            return within / (double)seeds;
        }
    }

    [Fact]
    public void No_calls_have_no_rate_and_few_calls_need_every_one()
    {
        Assert.Null(SampledEstimate.RateForRelativeError(0, 0.1));
        Assert.Equal(1, SampledEstimate.RateForRelativeError(50, 0.1)); // 1 + 50·0.01/3.84 = 1.13
        Assert.Equal(261, SampledEstimate.RateForRelativeError(100_000, 0.1)); // 1 + 1e5·0.01/3.8415 = 261.3
        Assert.Throws<ArgumentOutOfRangeException>(() => SampledEstimate.RateForRelativeError(10, 0));
    }
}
