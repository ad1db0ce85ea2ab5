using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CiroAspire.AppHost.Infrastructure;

/// <summary>A PostgreSQL server run from the machine's binaries, data kept in a project-local folder.</summary>
public sealed class LocalPostgresServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory)
{
    public required string Password { get; init; }
    public EndpointReference Endpoint => new(this, "tcp");
}

/// <summary>The <c>ciro</c> database on that server: created when the server is ready, then reported running.</summary>
public sealed class LocalPostgresDatabaseResource(string name, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent<LocalPostgresServerResource>, IResourceWithWaitSupport
{
    public LocalPostgresServerResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Parent.Endpoint.Property(EndpointProperty.Host)};Port={Parent.Endpoint.Property(EndpointProperty.Port)};Username=postgres;Password={Parent.Password};Database={Name}");
}

public static class LocalPostgresExtensions
{
    /// <summary>
    /// Starts <c>postgres</c> (initdb on first use) on a port Aspire picks, and adds the database resource.
    /// PostgreSQL refuses to run as root, so as root it runs as the Debian package's <c>postgres</c> user.
    /// </summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string serverName, string databaseName, string dataRoot)
    {
        var binDir = PostgresBinaries.Find();
        var dataDir = Path.Combine(dataRoot, "postgres");
        var password = PostgresDataDirectory.EnsureInitialised(binDir, dataDir);
        var runAsPostgres = Environment.UserName == "root";

        var server = new LocalPostgresServerResource(serverName, runAsPostgres ? "setpriv" : Path.Combine(binDir, "postgres"), dataRoot)
        {
            Password = password,
        };
        var serverBuilder = builder.AddResource(server)
            .WithArgs(context =>
            {
                if (runAsPostgres)
                {
                    context.Args.Add("--reuid=postgres");
                    context.Args.Add("--regid=postgres");
                    context.Args.Add("--init-groups");
                    context.Args.Add("--");
                    context.Args.Add(Path.Combine(binDir, "postgres"));
                }
                // TCP only (no unix socket directory to own), listen on loopback, port from PGPORT.
                context.Args.Add("-D");
                context.Args.Add(dataDir);
                context.Args.Add("-k");
                context.Args.Add("");
                context.Args.Add("-h");
                context.Args.Add("127.0.0.1");
            })
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

internal static class PostgresBinaries
{
    /// <summary>The newest server the Debian packages installed (/usr/lib/postgresql/N/bin).</summary>
    public static string Find()
    {
        const string root = "/usr/lib/postgresql";
        var candidates = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(c => File.Exists(Path.Combine(c.Dir, "postgres")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        return candidates.Count > 0
            ? candidates[0].Dir
            : throw new InvalidOperationException(
                "No PostgreSQL server binaries under /usr/lib/postgresql: run scripts/setup.sh (apt-get install postgresql) or set ConnectionStrings:ciro to an external server.");
    }
}

internal static class PostgresDataDirectory
{
    /// <summary>Runs initdb once; the superuser password is random per data folder and kept beside it (mode 600).</summary>
    public static string EnsureInitialised(string binDir, string dataDir)
    {
        var passwordFile = dataDir + ".password";
        if (File.Exists(Path.Combine(dataDir, "PG_VERSION")) && File.Exists(passwordFile))
        {
            return File.ReadAllText(passwordFile).Trim();
        }
        if (Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true); // a half-made folder from an interrupted first start
        }
        Directory.CreateDirectory(dataDir);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        File.WriteAllText(passwordFile, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var runAsPostgres = Environment.UserName == "root";
        var pwFile = Path.Combine(Path.GetTempPath(), $"ciro-pw-{Guid.NewGuid():N}");
        File.WriteAllText(pwFile, password);
        try
        {
            if (runAsPostgres)
            {
                Run("chown", $"-R postgres:postgres \"{dataDir}\" \"{pwFile}\"");
                Run("setpriv", $"--reuid=postgres --regid=postgres --init-groups -- \"{Path.Combine(binDir, "initdb")}\" -D \"{dataDir}\" -U postgres --pwfile=\"{pwFile}\" --auth-host=scram-sha-256 --auth-local=peer -E UTF8 --no-instructions");
            }
            else
            {
                Run(Path.Combine(binDir, "initdb"), $"-D \"{dataDir}\" -U postgres --pwfile=\"{pwFile}\" --auth-host=scram-sha-256 -E UTF8 --no-instructions");
            }
        }
        finally
        {
            File.Delete(pwFile);
        }
        return password;
    }

    private static void Run(string command, string arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command} {arguments}' failed with exit code {process.ExitCode}: {stderr}");
        }
    }
}
