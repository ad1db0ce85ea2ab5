using Npgsql;

namespace Ciro.Testing;

/// <summary>
/// A throwaway PostgreSQL server for one test class or collection: initdb into a temp folder, start on a free
/// port (TCP only, trust auth on loopback), delete everything on dispose. As root it runs as the Debian
/// <c>postgres</c> user, since PostgreSQL refuses root.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable, IDisposable
{
    private readonly string _dataDir;
    private ChildProcess? _server;

    private LocalPostgres(string dataDir, int port)
    {
        _dataDir = dataDir;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Timeout=10";

    public static async Task<LocalPostgres> StartAsync()
    {
        var bin = FindBinaries();
        var dataDir = Path.Combine(Path.GetTempPath(), $"ciro-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDir);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            ChildProcess.Run("chown", "postgres:postgres", dataDir);
        }
        var initdb = Wrap(asRoot, Path.Combine(bin, "initdb"), "-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        ChildProcess.Run(initdb[0], initdb[1..]);

        var server = new LocalPostgres(dataDir, FreePort.Next());
        await server.StartServerAsync();
        return server;
    }

    /// <summary>Stops the server hard (a crash) and starts it again on the same port and data: for restart tests.</summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        _server?.Kill();
        _server?.Dispose();
        NpgsqlConnection.ClearAllPools();
        await Task.Delay(downtime);
        await StartServerAsync();
    }

    public void Stop()
    {
        _server?.Kill();
        _server?.Dispose();
        _server = null;
    }

    public async Task StartServerAsync()
    {
        var asRoot = Environment.UserName == "root";
        var command = Wrap(asRoot, Path.Combine(FindBinaries(), "postgres"), "-D", _dataDir, "-p", Port.ToString(), "-k", "", "-h", "127.0.0.1",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200");
        _server = new ChildProcess(command[0], command[1..]);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !_server.HasExited)
            {
                await Task.Delay(100);
            }
            catch (NpgsqlException ex)
            {
                throw new InvalidOperationException($"PostgreSQL did not start on port {Port}: {_server.Output}", ex);
            }
        }
    }

    /// <summary>A fresh, empty database on this server.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>A fresh database with every migration applied, as the indexer leaves it at start.</summary>
    public async Task<NpgsqlDataSource> CreateMigratedDatabaseAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await CreateDatabaseAsync());
        await new Ciro.Storage.SchemaMigrator(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger<Ciro.Storage.SchemaMigrator>.Instance).MigrateAsync();
        return dataSource;
    }

    private static string[] Wrap(bool asRoot, params string[] command) =>
        asRoot ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", .. command] : command;

    private static string FindBinaries() =>
        Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "postgres")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault()
        ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql: run scripts/setup.sh");

    public void Dispose()
    {
        Stop();
        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
