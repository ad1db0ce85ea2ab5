namespace Ciro.ChainSimulator.Chain;

/// <summary>The last pre-generation run, reported by /admin/state (the measured backfill rate).</summary>
public sealed class PregenerationStats
{
    public long Blocks { get; private set; }
    public long Events { get; private set; }
    public long Transactions { get; private set; }
    public TimeSpan Elapsed { get; private set; }
    public bool HasRun => Blocks > 0;

    public void Record(long blocks, long transactions, long events, TimeSpan elapsed)
    {
        Blocks = blocks;
        Transactions = transactions;
        Events = events;
        Elapsed = elapsed;
    }

    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? Events / Elapsed.TotalSeconds : 0;
}
