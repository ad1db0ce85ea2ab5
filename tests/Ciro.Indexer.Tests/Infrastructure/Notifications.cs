using Npgsql;

namespace Ciro.Indexer.Tests.Infrastructure;

/// <summary>LISTEN on a channel, as analytics and the web do; payloads handed to a callback.</summary>
public sealed class Notifications : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private Notifications(NpgsqlConnection connection, Action<string> onPayload)
    {
        _connection = connection;
        _connection.Notification += (_, e) =>
        {
            lock (this)
            {
                onPayload(e.Payload);
            }
        };
        _loop = Task.Run(async () =>
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    await _connection.WaitAsync(_stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public static async Task<Notifications> ListenAsync(string connectionString, string channel, Action<string> onPayload)
    {
        var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using (var listen = new NpgsqlCommand($"listen {channel}", connection))
        {
            await listen.ExecuteNonQueryAsync();
        }
        return new Notifications(connection, onPayload);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _loop;
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
