using Ciro.Storage;

namespace CiroAspire.AppHost.Infrastructure;

/// <summary>
/// The <c>ciro</c> database as each service sees it (least privilege, <see cref="DatabaseRoles"/>): the owner's
/// connection string, given to the indexer as <c>ConnectionStrings:ciro-owner</c> for its migrations only, and one
/// connection string per service role, given to that service as <c>ConnectionStrings:ciro</c>.
/// </summary>
internal sealed record CiroDatabase(
    IResourceBuilder<IResourceWithConnectionString> Owner,
    IResourceBuilder<IResourceWithConnectionString> Indexer,
    IResourceBuilder<IResourceWithConnectionString> Analytics,
    IResourceBuilder<IResourceWithConnectionString> Alerts)
{
    /// <summary>Connection-string names of the service roles, e.g. <c>ConnectionStrings:ciro-indexer</c>.</summary>
    public static string RoleConnectionName(string service) => $"{CiroResources.DatabaseName}-{service}";

    /// <summary>Every service connects as the owner: for an external or container database whose service roles
    /// the AppHost cannot give logins to and was not given connection strings for. Said at start.</summary>
    public static CiroDatabase OwnerOnly(IResourceBuilder<IResourceWithConnectionString> owner, string why)
    {
        Console.WriteLine($"Ciro database roles: every service connects as the owner ({why}); give " +
            $"ConnectionStrings:{RoleConnectionName("indexer")}, …-analytics and …-alerts to connect as the service roles.");
        return new(owner, owner, owner, owner);
    }
}

internal static class CiroDatabaseExtensions
{
    /// <summary>The service's role as <c>ConnectionStrings:ciro</c>, once the database is up.</summary>
    public static IResourceBuilder<ProjectResource> WithDatabase(this IResourceBuilder<ProjectResource> service,
        CiroDatabase database, IResourceBuilder<IResourceWithConnectionString> role) =>
        service.WithReference(role, CiroResources.DatabaseName).WaitFor(database.Owner);

    /// <summary>The owner's connection string as <c>ConnectionStrings:ciro-owner</c>: the indexer applies the
    /// migrations and the roles' grants with it, and nothing else.</summary>
    public static IResourceBuilder<ProjectResource> WithSchemaOwner(this IResourceBuilder<ProjectResource> indexer, CiroDatabase database) =>
        indexer.WithReference(database.Owner, DatabaseRoles.OwnerConnectionName);
}
