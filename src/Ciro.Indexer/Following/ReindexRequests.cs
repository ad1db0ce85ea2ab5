using System.Threading.Channels;

namespace Ciro.Indexer.Following;

/// <summary>Operator requests to reindex from a block, applied by the follower between batches so they never
/// race with a commit.</summary>
public sealed class ReindexRequests
{
    private readonly Channel<ulong> _requests = Channel.CreateUnbounded<ulong>();

    public void Request(ulong fromBlock) => _requests.Writer.TryWrite(fromBlock);

    public bool TryTake(out ulong fromBlock) => _requests.Reader.TryRead(out fromBlock);

    /// <summary>Completes when a request is waiting (a halted follower resumes on it).</summary>
    public Task WaitAsync(CancellationToken ct) => _requests.Reader.WaitToReadAsync(ct).AsTask();
}
