using Ciro.LocalInfrastructure;
using Ciro.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CiroAspire.AppHost.Infrastructure;

/// <summary>A PostgreSQL server run from the machine's binaries (the local-infrastructure kit's command line).</summary>
public sealed class LocalPostgresServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory)
{
    public required string Password { get; init; }

    /// <summary>The service roles' passwords, from their 0600 files beside the data (<see cref="ServiceLogins"/>).</summary>
    public required IReadOnlyDictionary<string, string> RolePasswords { get; init; }

    public EndpointReference Endpoint => new(this, "tcp");
}

/// <summary>The <c>ciro</c> database on that server: created when the server is ready, then reported running.</summary>
public sealed class LocalPostgresDatabaseResource(string name, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent<LocalPostgresServerResource>, IResourceWithWaitSupport
{
    public LocalPostgresServerResource Parent { get; } = parent;

    /// <summary>The superuser's: the owner of the schema, used by the indexer's migrations only.</summary>
    public ReferenceExpression ConnectionStringExpression => ConnectionStringAs("postgres", Parent.Password);

    /// <summary>A service's connection string: its own role (<see cref="DatabaseRoles"/>) and password.</summary>
    public ReferenceExpression ServiceConnectionString(string role) => ConnectionStringAs(role, Parent.RolePasswords[role]);

    private ReferenceExpression ConnectionStringAs(string user, string password) => ReferenceExpression.Create(
        $"Host={Parent.Endpoint.Property(EndpointProperty.Host)};Port={Parent.Endpoint.Property(EndpointProperty.Port)};Username={user};Password={password};Database={Name}");
}

public static class LocalPostgresExtensions
{
    /// <summary>
    /// Starts <c>postgres</c> (initdb on first use) on a port Aspire picks, and adds the database resource. The
    /// data goes under <paramref name="dataRoot"/>, or where the server's user can reach it (the choice is printed).
    /// </summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string serverName, string databaseName, string dataRoot)
    {
        var dataFolder = PostgresDataFolder.Locate(Path.Combine(dataRoot, "postgres"));
        Console.WriteLine($"Ciro local PostgreSQL: {dataFolder.Choice}");
        var password = dataFolder.EnsureInitialisedWithPassword();
        var rolePasswords = dataFolder.EnsureRolePasswords(DatabaseRoles.All);
        var command = PostgresServer.Command(dataFolder); // the port comes from PGPORT, which Aspire sets

        var server = new LocalPostgresServerResource(serverName, command[0], Path.GetDirectoryName(dataFolder.Directory)!)
        {
            Password = password,
            RolePasswords = rolePasswords,
        };
        var serverBuilder = builder.AddResource(server)
            .WithArgs([.. command.Skip(1)])
            .WithEndpoint(name: "tcp", scheme: "tcp", env: "PGPORT")
            .ExcludeFromManifest();

        var database = new LocalPostgresDatabaseResource(databaseName, server);
        var healthKey = $"{databaseName}-local-postgres";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, async ct =>
        {
            try
            {
                var connectionString = await database.ConnectionStringExpression.GetValueAsync(ct);
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        });

        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, ct) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            // Roles belong to the server: their logins exist before the database, so each service can connect as
            // its own role once the indexer's migrations (as the owner) have granted it.
            await ServiceLogins.ProvisionAsync(dataFolder, await MaintenanceConnectionString(server, ct), ct);
            await CreateDatabaseAsync(server, databaseName, ct);
            await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Running });
        });

        // The server is ready when it accepts connections to its maintenance database.
        var serverHealthKey = $"{serverName}-accepts-connections";
        builder.Services.AddHealthChecks().AddAsyncCheck(serverHealthKey, async ct =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(await MaintenanceConnectionString(server, ct));
                await connection.OpenAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        });
        serverBuilder.WithHealthCheck(serverHealthKey);

        return builder.AddResource(database)
            .WithParentRelationship(serverBuilder)
            .WithHealthCheck(healthKey)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.NotStarted,
                Properties = [],
            })
            .ExcludeFromManifest();
    }

    private static async Task<string> MaintenanceConnectionString(LocalPostgresServerResource server, CancellationToken ct)
    {
        var port = await server.Endpoint.Property(EndpointProperty.Port).GetValueAsync(ct);
        return $"Host=127.0.0.1;Port={port};Username=postgres;Password={server.Password};Database=postgres;Timeout=5";
    }

    private static async Task CreateDatabaseAsync(LocalPostgresServerResource server, string databaseName, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(await MaintenanceConnectionString(server, ct));
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection);
        exists.Parameters.AddWithValue(databaseName);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{databaseName}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }
}
