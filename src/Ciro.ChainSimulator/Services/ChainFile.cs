using System.Text.Json;

namespace Ciro.ChainSimulator.Services;

/// <summary>
/// Simulator:ChainFile: keeps a chain across runs. The file holds the genesis time and every option that shapes
/// the blocks; with the same seed and genesis time the generator makes the same blocks, hash for hash, so a
/// restarted simulator rebuilds the chain it served before — and the blocks it would have sealed while it was
/// stopped, up to the wall clock — then continues. A database indexed from the first run goes on from its cursor.
/// Options that differ from the file's start a new chain (and rewrite the file): the indexer then refuses the old
/// database, loudly.
/// </summary>
public sealed record ChainFile(
    long GenesisTimestamp,
    ulong Seed,
    string ChainId,
    int BlockIntervalMs,
    int PregenerateBlocks,
    int EventsPerBlock,
    double JobsPerBlock,
    int Workers,
    int Clients,
    string JobManagerAddress,
    string CdcPoolAddress,
    string FeeTokenAddress,
    ulong BlockL2GasLimit,
    int BlockMaxTransactions,
    string MetricsRegistryAddress,
    int MonitorSampleRate,
    int MonitorSampleFloor)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static ChainFile For(SimulatorOptions o, long genesisTimestamp) => new(genesisTimestamp, o.Seed, o.ChainId, o.BlockIntervalMs,
        o.PregenerateBlocks, o.EventsPerBlock, o.JobsPerBlock, o.Workers, o.Clients, o.JobManagerAddress, o.CdcPoolAddress, o.FeeTokenAddress,
        o.BlockL2GasLimit, o.BlockMaxTransactions, o.MetricsRegistryAddress, o.MonitorSampleRate, o.MonitorSampleFloor);

    /// <summary>The file's chain when it was made with these options; null when there is none or they differ
    /// (<paramref name="difference"/> says how, for the log).</summary>
    public static ChainFile? Load(string path, SimulatorOptions options, out string difference)
    {
        difference = "";
        if (!File.Exists(path))
        {
            difference = "no chain file yet";
            return null;
        }
        ChainFile? stored;
        try
        {
            stored = JsonSerializer.Deserialize<ChainFile>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            difference = $"unreadable ({ex.Message})";
            return null;
        }
        if (stored is null)
        {
            difference = "empty";
            return null;
        }
        var wanted = For(options, stored.GenesisTimestamp);
        if (stored != wanted)
        {
            difference = $"made with other options: {stored} (now {wanted})";
            return null;
        }
        return stored;
    }

    /// <summary>Written beside, then moved over: a crash never leaves half a file.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>How many blocks after genesis are due by <paramref name="now"/> (block n is sealed at genesis + n·interval).</summary>
    public long BlocksDue(DateTimeOffset now) => Math.Max(0, (now.ToUnixTimeSeconds() - GenesisTimestamp) * 1000 / BlockIntervalMs);
}
