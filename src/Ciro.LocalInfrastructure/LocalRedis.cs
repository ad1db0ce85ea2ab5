using System.Globalization;

namespace Ciro.LocalInfrastructure;

/// <summary>A redis-server from the machine's package, in memory only (no RDB/AOF files), on loopback.</summary>
public sealed class LocalRedis : IDisposable
{
    private readonly ChildProcess _server;

    private LocalRedis(int port)
    {
        Port = port;
        _server = new ChildProcess(Program, Arguments(port.ToString(CultureInfo.InvariantCulture)).Cast<string>());
    }

    public const string Program = "redis-server";

    /// <summary>The server's arguments; <paramref name="port"/> is a number, or an Aspire expression the AppHost fills in.</summary>
    public static IReadOnlyList<object> Arguments(object port) =>
        ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>A throwaway server on a free port, ready when it accepts connections.</summary>
    public static async Task<LocalRedis> StartAsync()
    {
        var redis = new LocalRedis(FreePort.Next());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", redis.Port);
                return redis;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50);
            }
        }
        redis.Dispose();
        throw new InvalidOperationException($"redis-server did not start: {redis._server.Output}");
    }

    public void Dispose() => _server.Dispose();
}
