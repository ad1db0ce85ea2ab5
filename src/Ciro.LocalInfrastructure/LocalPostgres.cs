using Npgsql;

namespace Ciro.LocalInfrastructure;

/// <summary>
/// A throwaway PostgreSQL server for a test class, a test collection or a benchmark: initdb into a fresh folder,
/// start on a free loopback port (trust authentication, no fsync), delete everything on dispose.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable, IDisposable
{
    private static readonly string[] ThrowawaySettings =
        ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=200"];

    private ChildProcess? _server;
    private readonly bool _keep;

    private LocalPostgres(PostgresDataFolder dataFolder, int port, bool keep = false)
    {
        DataFolder = dataFolder;
        Port = port;
        _keep = keep;
    }

    public int Port { get; }

    /// <summary>Where the data lives, and why there (see <see cref="PostgresDataFolder.Locate"/>).</summary>
    public PostgresDataFolder DataFolder { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Timeout=10";

    /// <param name="dataDirectory">where the data should go; a fresh folder under the temp folder when null.</param>
    public static async Task<LocalPostgres> StartAsync(string? dataDirectory = null)
    {
        var dataFolder = PostgresDataFolder.Locate(dataDirectory ?? Path.Combine(Path.GetTempPath(), $"ciro-pg-{Guid.NewGuid():N}"));
        dataFolder.InitialiseTrusted();
        var server = new LocalPostgres(dataFolder, FreePort.Next());
        await server.StartServerAsync();
        return server;
    }

    /// <summary>
    /// A server whose data outlives it, for a benchmark that generates its history once and measures it many times:
    /// initdb (trust, loopback only) when <paramref name="dataDirectory"/> holds no cluster yet, else the cluster as it
    /// is; dispose checkpoints and stops the server and keeps the folder.
    /// </summary>
    public static async Task<LocalPostgres> StartKeptAsync(string dataDirectory)
    {
        var dataFolder = PostgresDataFolder.Locate(dataDirectory);
        if (!dataFolder.IsInitialised)
        {
            dataFolder.InitialiseTrusted();
        }
        var server = new LocalPostgres(dataFolder, FreePort.Next(), keep: true);
        await server.StartServerAsync();
        return server;
    }

    /// <summary>Stops the server hard (a crash) and starts it again on the same port and data: for restart tests.</summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        Stop();
        NpgsqlConnection.ClearAllPools();
        await Task.Delay(downtime);
        await StartServerAsync();
    }

    public void Stop()
    {
        _server?.Dispose();
        _server = null;
    }

    public async Task StartServerAsync()
    {
        var command = PostgresServer.Command(DataFolder, Port, ThrowawaySettings);
        _server = new ChildProcess(command[0], command.Skip(1), workingDirectory: Path.GetDirectoryName(DataFolder.Directory));
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
                throw new InvalidOperationException($"PostgreSQL did not start on port {Port} ({DataFolder.Choice}): {_server.Output}", ex);
            }
        }
    }

    /// <summary>A fresh, empty database on this server; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public void Dispose()
    {
        if (_keep)
        {
            StopKept();
            return;
        }
        Stop();
        NpgsqlConnection.ClearAllPools();
        try
        {
            DataFolder.Delete();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>A checkpoint first: the server is stopped with SIGKILL (<see cref="Stop"/>), and with the data kept the
    /// next start then replays almost no WAL (fsync is off, but a killed server's writes are in the page cache).</summary>
    private void StopKept()
    {
        if (_server is { HasExited: false })
        {
            try
            {
                using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false;Command Timeout=600");
                connection.Open();
                using var checkpoint = new NpgsqlCommand("checkpoint", connection);
                checkpoint.ExecuteNonQuery();
            }
            catch (NpgsqlException)
            {
            }
        }
        NpgsqlConnection.ClearAllPools();
        Stop();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
