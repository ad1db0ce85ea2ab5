namespace Ciro.Testing;

/// <summary>A throwaway in-memory redis-server on a free port.</summary>
public sealed class LocalRedis : IDisposable
{
    private readonly ChildProcess _server;

    private LocalRedis(int port)
    {
        Port = port;
        _server = new ChildProcess("redis-server", ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

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
        throw new InvalidOperationException($"redis-server did not start: {redis._server.Output}");
    }

    public void Dispose() => _server.Dispose();
}
