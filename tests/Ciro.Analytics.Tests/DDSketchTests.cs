using Ciro.Analytics.Sketches;

namespace Ciro.Analytics.Tests;

public sealed class DDSketchTests
{
    private static double Exact(List<double> sorted, double q) => sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1)];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void Quantiles_are_within_relative_accuracy_and_merge_equals_one_sketch(int seed)
    {
        var random = new Random(seed);
        // Log-normal gas-like values plus zeros: skewed, spanning several decades.
        var values = Enumerable.Range(0, 20_000).Select(_ => random.Next(50) == 0 ? 0 : Math.Exp(random.NextDouble() * 12 + 3)).ToList();
        var whole = DDSketch.Of(values);
        var merged = new DDSketch();
        foreach (var chunk in values.Chunk(997))
        {
            merged.Merge(DDSketch.Deserialize(DDSketch.Of(chunk).Serialize()));
        }
        var sorted = values.Order().ToList();
        foreach (var q in new[] { 0.0, 0.01, 0.5, 0.95, 0.99, 1.0 })
        {
            var exact = Exact(sorted, q);
            Assert.InRange(whole.Quantile(q)!.Value, exact * (1 - DDSketch.RelativeAccuracy), exact * (1 + DDSketch.RelativeAccuracy));
            Assert.Equal(whole.Quantile(q), merged.Quantile(q));
        }
        Assert.Equal(whole.Serialize(), merged.Serialize());
        Assert.True(whole.Serialize().Length < 3000, $"sketch is {whole.Serialize().Length} bytes");
    }

    [Fact]
    public void Empty_and_invalid()
    {
        Assert.Null(new DDSketch().Quantile(0.5));
        Assert.Null(DDSketch.Deserialize(new DDSketch().Serialize()).Quantile(0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DDSketch().Add(-1));
        Assert.Throws<FormatException>(() => DDSketch.Deserialize([9, 0]));
    }
}
