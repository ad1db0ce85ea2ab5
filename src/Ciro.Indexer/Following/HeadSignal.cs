namespace Ciro.Indexer.Following;

/// <summary>
/// Wakes the follower early when the node announces a new head (or a reorg) over its websocket. It carries no
/// block: the follower still reads the head with starknet_blockNumber and indexes from its cursor, so correctness
/// never depends on the socket. A pulse while the follower is busy is kept, so the next wait returns at once and
/// no announcement between "read the head" and "wait" is lost.
/// </summary>
public sealed class HeadSignal
{
    private readonly SemaphoreSlim _pulse = new(0, 1);
    private long _announcedHead = -1;
    private int _subscribed;

    /// <summary>True while a newHeads subscription is open: the follower's timer is only a safety net then.</summary>
    public bool Subscribed => Volatile.Read(ref _subscribed) == 1;

    /// <summary>Number of the last announced head (-1: none). Only a hint for how soon to look again.</summary>
    public long AnnouncedHead => Interlocked.Read(ref _announcedHead);

    public void SetSubscribed(bool subscribed) => Volatile.Write(ref _subscribed, subscribed ? 1 : 0);

    /// <param name="announcedHead">The block number the notification named, when it named one.</param>
    public void Pulse(long? announcedHead = null)
    {
        if (announcedHead is { } n)
        {
            Interlocked.Exchange(ref _announcedHead, n);
        }
        try
        {
            if (_pulse.CurrentCount == 0)
            {
                _pulse.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another pulse got there first; one pending wake-up is enough.
        }
    }

    /// <summary>Waits for a pulse or the timeout; true when woken by a pulse.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _pulse.WaitAsync(timeout, ct);
}
