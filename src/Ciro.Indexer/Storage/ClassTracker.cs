using Ciro.Indexer.Contracts;
using Ciro.Starknet;
using Ciro.Starknet.Rpc;
using Microsoft.Extensions.Options;

namespace Ciro.Indexer.Storage;

/// <summary>
/// Reads a batch's state updates (one batched request) and keeps the class history of the kept contracts: each
/// deployment and each class replacement (an upgrade), and, once per class, the Sierra and compiler versions from
/// starknet_getClass. Runs in the fetch stage, off the database, like the rest of a batch's preparation.
/// </summary>
public sealed class ClassTracker(StarknetRpcClient rpc, IndexerRowFilter filter, IOptions<IndexerOptions> options, ILogger<ClassTracker> logger)
{
    // Classes already read by this process (a class hash names immutable code); the table's insert ignores repeats
    // from another process or a restart.
    private readonly HashSet<Felt> _known = [];
    private readonly Lock _gate = new();
    private volatile bool _unsupported;

    public bool Enabled => options.Value.TrackClasses && !_unsupported;

    public async Task AttachAsync(BatchRows rows, CancellationToken ct)
    {
        if (!Enabled)
        {
            return;
        }
        var blocks = rows.Blocks.Where(b => !b.IsPreConfirmed).ToList(); // a pre-confirmed block is not stored
        if (blocks.Count == 0)
        {
            return;
        }
        var numbers = blocks.Select(b => b.BlockNumber).ToArray();
        IReadOnlyList<StateUpdate> updates;
        // A second (or, with traces, third) request per batch: a failed one is asked again here, up to three times,
        // before the whole batch fails, so a flaky node does not fail many more batches than without it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                updates = await rpc.GetStateUpdatesAsync(numbers, ct);
                break;
            }
            catch (StarknetRpcException ex) when (ex.ErrorCode == StarknetErrorCode.MethodNotFound)
            {
                _unsupported = true;
                logger.LogWarning("The node does not serve starknet_getStateUpdate: class tracking is off (no contract class history is kept)");
                return;
            }
            catch (StarknetClientException ex) when (attempt < 3 && !ct.IsCancellationRequested)
            {
                logger.LogWarning("State updates of blocks {From}..{To} failed (attempt {Attempt} of 3), asking again: {Error}",
                    numbers[0], numbers[^1], attempt, ex.Message);
            }
        }
        var changes = new List<ClassChangeRow>();
        for (var i = 0; i < updates.Count; i++)
        {
            var block = blocks[i];
            if (updates[i].BlockHash != block.BlockHash)
            {
                // The node reorganised between the two requests: the batch is fetched again.
                throw new InvalidOperationException(
                    $"the state update of block {block.BlockNumber} is of block {updates[i].BlockHash}, not of the fetched block {block.BlockHash}");
            }
            var time = BatchRows.BlockTime(block);
            foreach (var deployed in updates[i].StateDiff.DeployedContracts)
            {
                if (filter.KeepContract(deployed.Address, block.BlockNumber))
                {
                    changes.Add(new ClassChangeRow(block.BlockNumber, time, deployed.Address, deployed.ClassHash, "deployed"));
                }
            }
            foreach (var replaced in updates[i].StateDiff.ReplacedClasses)
            {
                if (filter.KeepContract(replaced.ContractAddress, block.BlockNumber))
                {
                    changes.Add(new ClassChangeRow(block.BlockNumber, time, replaced.ContractAddress, replaced.ClassHash, "replaced"));
                }
            }
        }
        var classes = new List<ClassRow>();
        foreach (var change in changes)
        {
            lock (_gate)
            {
                if (!_known.Add(change.ClassHash))
                {
                    continue;
                }
            }
            try
            {
                var c = await rpc.GetClassAsync(BlockId.Number(change.BlockNumber), change.ClassHash, ct);
                classes.Add(new ClassRow(change.ClassHash, c.SierraVersion, c.CompilerVersion, c.ContractClassVersion, change.BlockNumber));
            }
            catch
            {
                lock (_gate)
                {
                    _known.Remove(change.ClassHash); // read it again with the retried batch
                }
                throw;
            }
        }
        rows.ClassChanges = changes;
        rows.Classes = classes;
    }
}
