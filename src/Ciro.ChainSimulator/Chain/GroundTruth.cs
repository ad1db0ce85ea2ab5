using Ciro.ChainSimulator.Generation;

namespace Ciro.ChainSimulator.Chain;

/// <summary>
/// Counts of what the canonical chain holds (blocks leave it on a reorg and move to the orphaned counts), so a
/// test can compare an indexer's rows with what was produced. Mutated under the chain's lock only.
/// </summary>
public sealed class GroundTruth
{
    public long Transactions { get; private set; }
    public long RevertedTransactions { get; private set; }
    public long Events { get; private set; }
    public long[] EventsByKind { get; } = new long[CiroCatalog.EventNames.Length];
    public Dictionary<string, long> Effects { get; } = new();
    public long OrphanedBlocks { get; private set; }
    public long OrphanedTransactions { get; private set; }
    public long OrphanedEvents { get; private set; }

    public void Add(SimBlock block) => Apply(block, +1);

    public void Orphan(SimBlock block)
    {
        Apply(block, -1);
        OrphanedBlocks++;
        OrphanedTransactions += block.Transactions.Length;
        OrphanedEvents += block.Events.Length;
    }

    private void Apply(SimBlock block, int sign)
    {
        Transactions += sign * block.Transactions.Length;
        Events += sign * block.Events.Length;
        foreach (var tx in block.Transactions)
        {
            if (tx.Reverted)
            {
                RevertedTransactions += sign;
            }
        }
        foreach (var e in block.Events)
        {
            EventsByKind[e.Kind] += sign;
        }
        if (block.Effects is not null)
        {
            foreach (var (name, n) in block.Effects)
            {
                Effects[name] = Effects.GetValueOrDefault(name) + sign * n;
            }
        }
    }

    public Dictionary<string, long> EventCountsByName()
    {
        var result = new Dictionary<string, long>();
        for (var i = 0; i < EventsByKind.Length; i++)
        {
            result[CiroCatalog.EventNames[i]] = EventsByKind[i];
        }
        return result;
    }
}
