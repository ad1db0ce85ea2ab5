using Ciro.Indexer.Contracts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Indexer.Following;

/// <summary>
/// Only one indexer replica writes: it holds a PostgreSQL session advisory lock on a dedicated connection.
/// When that process dies its session ends, the lock is released, and a waiting replica takes over within
/// one retry interval. Losing the connection means losing the lease, so the holder checks it before each batch.
/// A connection that goes silent (a dropped network path: no FIN, no RST) would otherwise keep the session, and
/// the lock, for the operating system's TCP keepalive time (~2 h): the lease session sets PostgreSQL's
/// idle_session_timeout (Indexer:LeaseSessionTimeout, 20 s) so the server ends it when the holder stops talking,
/// and the holder pings it every Indexer:LeaseKeepAliveInterval (5 s) so a live holder is never idle that long
/// and notices a dead path itself within about one ping timeout.
/// </summary>
public sealed class WriterLease(NpgsqlDataSource dataSource, IOptions<IndexerOptions> options, ILogger<WriterLease> logger) : IAsyncDisposable
{
    public const long LeaseKey = 0x43_49_52_4F_49_44_58; // "CIROIDX"
    private readonly SemaphoreSlim _gate = new(1, 1); // one command at a time on the lease connection
    private NpgsqlConnection? _connection;
    private CancellationTokenSource? _keepAliveStop;
    private Task? _keepAlive;
    private volatile bool _lost;

    public async Task AcquireAsync(TimeSpan retryInterval, CancellationToken ct)
    {
        var waitingLogged = false;
        while (true)
        {
            await ReleaseAsync();
            try
            {
                _connection = await dataSource.OpenConnectionAsync(ct);
                var sessionTimeout = (long)options.Value.LeaseSessionTimeout.TotalMilliseconds;
                await using var command = new NpgsqlCommand(
                    $"set idle_session_timeout = {sessionTimeout}; select pg_try_advisory_lock({LeaseKey})", _connection);
                if ((bool)(await command.ExecuteScalarAsync(ct))!)
                {
                    logger.LogInformation("Writer lease acquired: this replica indexes");
                    _lost = false;
                    _keepAliveStop = new CancellationTokenSource();
                    _keepAlive = KeepAliveAsync(_keepAliveStop.Token);
                    return;
                }
                if (!waitingLogged)
                {
                    logger.LogInformation("Another replica holds the writer lease; standing by");
                    waitingLogged = true;
                }
            }
            catch (NpgsqlException ex)
            {
                logger.LogWarning(ex, "Could not reach PostgreSQL to take the writer lease; retrying");
            }
            await ReleaseAsync();
            await Task.Delay(retryInterval, ct);
        }
    }

    /// <summary>True while the lease connection is alive (a cheap round trip, and no failed keepalive).</summary>
    public async Task<bool> StillHeldAsync(CancellationToken ct) => _connection is not null && !_lost && await PingAsync(ct);

    public bool IsHeld => _connection is not null && !_lost;

    private async Task KeepAliveAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseKeepAliveInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (!await PingAsync(stop))
                {
                    _lost = true;
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> PingAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_connection is null || _lost)
            {
                return false;
            }
            await using var command = new NpgsqlCommand("select 1", _connection) { CommandTimeout = PingTimeoutSeconds };
            await command.ExecuteScalarAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.IO.IOException)
        {
            _lost = true;
            logger.LogWarning(ex, "Writer lease connection lost");
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    private int PingTimeoutSeconds => Math.Max(1, (int)options.Value.LeaseKeepAliveInterval.TotalSeconds);

    private async Task ReleaseAsync()
    {
        if (_keepAliveStop is not null)
        {
            await _keepAliveStop.CancelAsync();
            await _keepAlive!;
            _keepAliveStop.Dispose();
            (_keepAliveStop, _keepAlive) = (null, null);
        }
        if (_connection is not null)
        {
            try
            {
                // A pooled connection keeps its session (and the lock) when returned to the pool: unlock first,
                // or this very replica would find "another replica" holding the lease. Also after a failed ping:
                // a ping that was only slow leaves a working session that still holds the lock.
                await using var unlock = new NpgsqlCommand("select pg_advisory_unlock_all(); set idle_session_timeout = 0", _connection)
                {
                    CommandTimeout = PingTimeoutSeconds,
                };
                await unlock.ExecuteNonQueryAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.IO.IOException)
            {
                // The session is gone, and the lock with it.
            }
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    public ValueTask DisposeAsync() => new(ReleaseAsync());

    /// <summary>Who holds the lease now, as PostgreSQL sees the holding session ("PostgreSQL session pid 123,
    /// application 'x', client 10.0.0.5, connected since …"), or null when nobody does.</summary>
    public static async Task<string?> DescribeHolderAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        // A bigint advisory key is stored as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
        await using var command = dataSource.CreateCommand("""
            select a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local socket'), a.backend_start
            from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and l.objsubid = 1
              and l.classid::int8 = $1 and l.objid::int8 = $2
            limit 1
            """);
        command.Parameters.AddWithValue(LeaseKey >> 32);
        command.Parameters.AddWithValue(LeaseKey & 0xFFFF_FFFFL);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var application = reader.GetString(1);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"PostgreSQL session pid {reader.GetInt32(0)}, application '{(application.Length > 0 ? application : "unnamed")}', client {reader.GetString(2)}, connected since {reader.GetDateTime(3):u}");
    }
}
