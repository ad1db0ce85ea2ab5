using Ciro.Starknet;
using Microsoft.Extensions.Options;

namespace Ciro.ChainSimulator;

/// <summary>Configuration section "Simulator". Everything the chain contains follows from these values.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Same seed (and StartTimestamp) → same blocks, hashes and events.</summary>
    public ulong Seed { get; set; } = 42;

    public int BlockIntervalMs { get; set; } = 2000;

    /// <summary>Defaults are the Sepolia addresses in the CIRO repository's contracts.json.</summary>
    public string JobManagerAddress { get; set; } = "0x00bf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd";

    public string CdcPoolAddress { get; set; } = "0x05f73c551dbfda890090c8ee89858992dfeea9794a63ad83e6b1706e9836aeba";

    /// <summary>STRK, the token v3 fees are paid in.</summary>
    public string FeeTokenAddress { get; set; } = "0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d";

    /// <summary>The MetricsRegistry the monitored contracts flush to (contracts/src/metrics_registry.cairo).</summary>
    public string MetricsRegistryAddress { get; set; } = "0x0318e2cc5c1d4d0f6a1c4a7d1e5b9f3c2a8d6e4b0c7f1a3e5d9b2c6f8a0e4d71";

    /// <summary>The performance monitor's sample rate at deployment (JobManager(admin, sample_rate),
    /// CDCPool(admin, sample_rate)): 1 call in N is recorded, 0 = off. 64 is the contracts' documented default.
    /// The <c>monitor</c> scenario changes it mid-run with set_sample_rate.</summary>
    public int MonitorSampleRate { get; set; } = 64;

    /// <summary>The monitored contracts' compile-time SAMPLE_FLOOR (16 in contracts/src); every rate must be a
    /// multiple of it. Another floor models a host compiled with another ImmutableConfig (e.g. 1, to sample 1 in 4).</summary>
    public int MonitorSampleFloor { get; set; } = 16;

    /// <summary>A Cairo short string (at most 31 ASCII characters), served hex-encoded by starknet_chainId.</summary>
    public string ChainId { get; set; } = "SN_CIRO_SIM";

    /// <summary>Blocks built at start, before the timer runs; their timestamps end at the start time.</summary>
    public int PregenerateBlocks { get; set; }

    /// <summary>Events per pre-generated block (0: the steady scenario's natural rate).</summary>
    public int EventsPerBlock { get; set; }

    /// <summary>Unix seconds of block 0. 0 means "now minus the pre-generated history", which is not reproducible:
    /// set it when hashes must repeat across runs (timestamps are part of the block hash).</summary>
    public long StartTimestamp { get; set; }

    /// <summary>A file that keeps this chain across runs (its genesis time and the options that shape it): a
    /// restarted simulator rebuilds the same blocks up to the wall clock, then continues. Unset: a new chain each
    /// run. The AppHost keeps it in Ciro:DataDirectory beside the database. Excludes StartTimestamp.</summary>
    public string? ChainFile { get; set; }

    /// <summary>New jobs submitted per block in the steady scenario (a Poisson mean).</summary>
    public double JobsPerBlock { get; set; } = 3;

    public int Workers { get; set; } = 8;

    public int Clients { get; set; } = 6;

    /// <summary>Blocks behind the head that count as accepted on L1 (the l1_accepted tag); also the deepest reorg.</summary>
    public int L1AcceptedLag { get; set; } = 32;

    /// <summary>Largest chunk_size starknet_getEvents accepts (PAGE_SIZE_TOO_BIG above it).</summary>
    public int MaxChunkSize { get; set; } = 1024;

    /// <summary>Most key positions a getEvents filter may hold (TOO_MANY_KEYS_IN_FILTER above it).</summary>
    public int MaxFilterKeys { get; set; } = 16;

    /// <summary>Per-block L2 gas cap; Starknet 0.14.1 uses 6e9 with at most 500 transactions.</summary>
    public ulong BlockL2GasLimit { get; set; } = 6_000_000_000;

    public int BlockMaxTransactions { get; set; } = 500;

    /// <summary>The JSON-RPC shape served: <c>current</c> (v0.10.3) or <c>v0_7</c> (v0.7.1, as nodes of early 2024
    /// served blocks: no l2_gas_price and no commitments in headers, receipts with Cairo steps and builtin counters,
    /// v3 bounds without l1_data_gas, events without indices). The chain is the same; only its rendering differs.</summary>
    public RpcShape RpcShape { get; set; } = RpcShape.Current;

    /// <summary>Fault injection that does not pass: these blocks are served undecodable on every request (each
    /// event's data ends with "0xnot-a-felt", as a broken or hostile node might send), so an indexer must store them
    /// raw and skip them rather than retry for ever. The chain and its ground truth (/admin) are unchanged.</summary>
    public List<long> UndecodableBlocks { get; set; } = [];

    /// <summary>The /admin API (ground truth, scenarios, reorgs, faults, pre-generation): it changes the chain, so it is
    /// off unless enabled (tests and the dev AppHost turn it on).</summary>
    public SimulatorAdminOptions Admin { get; set; } = new();

    internal Felt JobManager => Felt.Parse(JobManagerAddress);
    internal Felt CdcPool => Felt.Parse(CdcPoolAddress);
    internal Felt FeeToken => Felt.Parse(FeeTokenAddress);
    internal Felt MetricsRegistry => Felt.Parse(MetricsRegistryAddress);
}

/// <summary>Section "Simulator:Admin".</summary>
public sealed class SimulatorAdminOptions
{
    public const string HeaderName = "X-Admin-Key";

    /// <summary>Map /admin/* at all (false: every admin route is a 404).</summary>
    public bool Enabled { get; set; }

    /// <summary>When set, every admin request must carry it in the X-Admin-Key header (401 otherwise). The AppHost
    /// generates one; tests on loopback leave it empty.</summary>
    public string? Key { get; set; }
}

/// <summary>Which version of the JSON-RPC spec the simulator's answers follow (Simulator:RpcShape).</summary>
public enum RpcShape
{
    /// <summary>v0.10.3.</summary>
    Current,

    /// <summary>v0.7.1.</summary>
    V0_7,
}

/// <summary>Fails start-up with a message naming the setting, its value and what is allowed.</summary>
public sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions o)
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add($"{SimulatorOptions.SectionName}:{message}");
            }
        }

        Check(o.BlockIntervalMs is >= 50 and <= 600_000, $"BlockIntervalMs must be in [50, 600000] ms, got {o.BlockIntervalMs}");
        foreach (var (field, value) in new[] { ("JobManagerAddress", o.JobManagerAddress), ("CdcPoolAddress", o.CdcPoolAddress), ("FeeTokenAddress", o.FeeTokenAddress),
            ("MetricsRegistryAddress", o.MetricsRegistryAddress) })
        {
            Check(value is not null && value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && Felt.TryParse(value, out var f) && !f.IsZero,
                $"{field} must be a non-zero 0x-prefixed felt, got '{value}'");
        }
        Check(!string.IsNullOrEmpty(o.ChainId) && o.ChainId.Length <= 31 && o.ChainId.All(c => c is > ' ' and <= '~'),
            $"ChainId must be 1-31 printable ASCII characters (a Cairo short string), got '{o.ChainId}'");
        Check(o.PregenerateBlocks is >= 0 and <= 10_000_000, $"PregenerateBlocks must be in [0, 10000000], got {o.PregenerateBlocks}");
        Check(o.EventsPerBlock is >= 0 and <= 100_000, $"EventsPerBlock must be in [0, 100000], got {o.EventsPerBlock}");
        Check(o.StartTimestamp >= 0, $"StartTimestamp must be Unix seconds ≥ 0 (0 = now), got {o.StartTimestamp}");
        Check(string.IsNullOrEmpty(o.ChainFile) || o.StartTimestamp == 0,
            $"ChainFile ('{o.ChainFile}') keeps its own genesis time: StartTimestamp must be 0, got {o.StartTimestamp}");
        Check(o.JobsPerBlock is >= 0 and <= 1000, $"JobsPerBlock must be in [0, 1000], got {o.JobsPerBlock}");
        Check(o.Workers is >= 1 and <= 1000, $"Workers must be in [1, 1000], got {o.Workers}");
        Check(o.Clients is >= 1 and <= 1000, $"Clients must be in [1, 1000], got {o.Clients}");
        Check(o.L1AcceptedLag is >= 1 and <= 1024, $"L1AcceptedLag must be in [1, 1024], got {o.L1AcceptedLag}");
        Check(o.MaxChunkSize is >= 1 and <= 100_000, $"MaxChunkSize must be in [1, 100000], got {o.MaxChunkSize}");
        Check(o.MaxFilterKeys is >= 1 and <= 1024, $"MaxFilterKeys must be in [1, 1024], got {o.MaxFilterKeys}");
        Check(o.BlockL2GasLimit >= 10_000_000, $"BlockL2GasLimit must be at least 1e7, got {o.BlockL2GasLimit}");
        Check(o.BlockMaxTransactions is >= 10 and <= 10_000, $"BlockMaxTransactions must be in [10, 10000], got {o.BlockMaxTransactions}");
        Check(o.MonitorSampleFloor is >= 1 and <= 1_000_000, $"MonitorSampleFloor must be in [1, 1000000], got {o.MonitorSampleFloor}");
        Check(o.MonitorSampleRate >= 0 && o.MonitorSampleFloor >= 1 && o.MonitorSampleRate % o.MonitorSampleFloor == 0,
            $"MonitorSampleRate must be 0 (off) or a multiple of MonitorSampleFloor ({o.MonitorSampleFloor}), got {o.MonitorSampleRate}");
        Check(o.UndecodableBlocks.All(n => n >= 0), $"UndecodableBlocks must be block numbers >= 0, got [{string.Join(", ", o.UndecodableBlocks)}]");
        Check(Enum.IsDefined(o.RpcShape), $"RpcShape must be current or v0_7, got '{o.RpcShape}'");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
