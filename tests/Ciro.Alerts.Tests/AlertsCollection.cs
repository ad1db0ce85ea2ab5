namespace Ciro.Alerts.Tests;

/// <summary>The alerts tests share one PostgreSQL and one Redis (<see cref="AlertsFixture"/>, Ciro.Testing.Hosts).</summary>
[CollectionDefinition(Name)]
public sealed class AlertsCollection : ICollectionFixture<AlertsFixture>
{
    public const string Name = "alerts";
}
