namespace Ciro.Analytics.Tests;

/// <summary>The analytics tests share one PostgreSQL and one Redis (<see cref="AnalyticsFixture"/>, Ciro.Testing.Hosts).</summary>
[CollectionDefinition(Name)]
public sealed class AnalyticsCollection : ICollectionFixture<AnalyticsFixture>
{
    public const string Name = "analytics";
}
