using System.Net;
using System.Net.Sockets;

namespace Ciro.Testing;

/// <summary>
/// A TCP forwarder on loopback between a client and a server. <see cref="Blackhole"/> makes the path go silent the
/// way a dropped network route does: every socket stays open (no FIN, no RST), nothing is forwarded any more in
/// either direction, and new connections are accepted but go nowhere. <see cref="Forward"/> brings the path back
/// for new connections and for open ones that sent nothing meanwhile; what was dropped is lost, so a connection
/// that sent into the blackhole (or was accepted during it) stays silent, as it would once its client gave up on it.
/// Shared by the indexer's and analytics' tests.
/// </summary>
public sealed class BlackholeProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;
    private volatile bool _blackholed;

    public BlackholeProxy(IPEndPoint target, int listenPort = 0)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, listenPort);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Blackhole() => _blackholed = true;

    public void Forward() => _blackholed = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_sockets)
            {
                _sockets.Add(client);
            }
            if (_blackholed)
            {
                continue;
            }
            var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
            lock (_sockets)
            {
                _sockets.Add(server);
            }
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                client.Dispose();
                continue;
            }
            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, _stop.Token);
                if (read == 0 || _blackholed)
                {
                    // Blackholed: drop what arrived and stop reading; the sockets stay open and silent.
                    if (read == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                    }
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }
        _stop.Dispose();
    }
}
