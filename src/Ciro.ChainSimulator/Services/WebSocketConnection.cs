using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace Ciro.ChainSimulator.Services;

/// <summary>
/// One websocket client: requests are read one message at a time, everything sent (answers and notifications)
/// goes through one bounded queue and one sender, so frames never interleave. A client too slow to drain
/// 10,000 queued messages is disconnected rather than letting the server's memory grow.
/// </summary>
public sealed class WebSocketConnection(WebSocket socket)
{
    private readonly Channel<byte[]> _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(10_000) { SingleReader = true });

    public bool TrySend(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }
        if (_outbox.Writer.TryWrite(buffer.WrittenSpan.ToArray()))
        {
            return true;
        }
        _outbox.Writer.TryComplete();
        return false;
    }

    public async Task SendLoopAsync(CancellationToken cancel)
    {
        await foreach (var message in _outbox.Reader.ReadAllAsync(cancel))
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancel);
        }
    }

    /// <summary>The next complete text message, or null when the client closed.</summary>
    public async Task<byte[]?> ReceiveAsync(CancellationToken cancel)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var result = await socket.ReceiveAsync(memory, cancel);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            buffer.Advance(result.Count);
            if (buffer.WrittenCount > 1_000_000)
            {
                return null; // no request is that large
            }
            if (result.EndOfMessage)
            {
                return buffer.WrittenSpan.ToArray();
            }
        }
    }

    public void Complete() => _outbox.Writer.TryComplete();
}
