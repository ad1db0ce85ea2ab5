using Ciro.ChainSimulator.Chain;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Generation;

/// <summary>A simulated account contract: its address, the felt code of the address and its slot in the nonce table.</summary>
public sealed record SimAccount(int Slot, Felt Address, ulong Code);

/// <summary>A CIRO worker: its account plus the WorkerId felt the CDC Pool knows it by (distinct from the address,
/// so a decoder that confuses the two is caught).</summary>
public sealed record SimWorker(int Index, SimAccount Account, Felt WorkerId, ulong WorkerIdCode, string GpuModel, ulong GpuMemoryGb);

/// <summary>Every address the chain uses, derived from the seed so the same seed gives the same accounts.</summary>
public sealed class Accounts
{
    /// <summary>The sequencer of real Sepolia block 3,100,000: fee Transfers go to it.</summary>
    public static readonly Felt SequencerAddress = Felt.Parse("0x1176a1bd84444c89232ec27754698e5d2e7e1a7f1539f12027f28b23ec9f3d8");

    public const int FillerCount = 32;

    public SimAccount Coordinator { get; }
    public SimAccount[] Clients { get; }
    public SimWorker[] Workers { get; }
    /// <summary>Non-CIRO users whose STRK transfers fill blocks in the congestion scenario.</summary>
    public SimAccount[] Fillers { get; }
    public int SlotCount { get; }

    /// <summary>The optimisation scenario's senders (GasLab.cs): the lab ledger's client, the control ledger's
    /// client, a worker that sends one heartbeat per transaction, and two wallets whose L2 gas bounds are far above
    /// what their transfers use (generous) or below it (tight: every transfer reverts).</summary>
    public SimAccount LabSender { get; }
    public SimAccount ControlSender { get; }
    public SimAccount LabWorker { get; }
    public SimAccount GenerousSender { get; }
    public SimAccount TightSender { get; }

    /// <summary>The optimisation scenario's two ledgers: same functions, the lab one with the seeded inefficiencies.</summary>
    public static readonly Felt LabLedgerAddress = FeltHash.Of(0x1AB1ED6E7, 1);
    public static readonly Felt ControlLedgerAddress = FeltHash.Of(0x1AB1ED6E7, 2);
    /// <summary>The ab-split scenario's second JobManager deployment (variant B).</summary>
    public static readonly Felt JobManagerBAddress = FeltHash.Of(0xAB5B117, 2);
    public ulong JobManagerB { get; }
    public ulong LabLedger { get; }
    public ulong ControlLedger { get; }

    public ulong JobManager { get; }
    public ulong CdcPool { get; }
    public ulong FeeToken { get; }
    public ulong MetricsRegistry { get; }
    public ulong Sequencer { get; }

    private static readonly (string Model, ulong Memory)[] Gpus = [("H100", 80), ("A100", 40), ("RTX4090", 24), ("L40S", 48)];

    public Accounts(SimulatorOptions options, FeltTable felts)
    {
        _options = options;
        var slot = 0;
        SimAccount Make(ulong kind, int index)
        {
            var address = FeltHash.Of(options.Seed, 0xACC0, kind, (ulong)index);
            return new SimAccount(slot++, address, felts.Encode(address));
        }

        Coordinator = Make(1, 0);
        Clients = Enumerable.Range(0, options.Clients).Select(i => Make(2, i)).ToArray();
        Workers = Enumerable.Range(0, options.Workers).Select(i =>
        {
            var account = Make(3, i);
            var workerId = FeltHash.Of(options.Seed, 0x3031, (ulong)i);
            var gpu = Gpus[i % Gpus.Length];
            return new SimWorker(i, account, workerId, felts.Encode(workerId), gpu.Model, gpu.Memory);
        }).ToArray();
        Fillers = Enumerable.Range(0, FillerCount).Select(i => Make(4, i)).ToArray();
        LabSender = Make(5, 0);
        ControlSender = Make(5, 1);
        LabWorker = Make(5, 2);
        GenerousSender = Make(5, 3);
        TightSender = Make(5, 4);
        SlotCount = slot;

        JobManager = felts.Encode(options.JobManager);
        CdcPool = felts.Encode(options.CdcPool);
        FeeToken = felts.Encode(options.FeeToken);
        MetricsRegistry = felts.Encode(options.MetricsRegistry);
        Sequencer = felts.Encode(SequencerAddress);
        LabLedger = felts.Encode(LabLedgerAddress);
        ControlLedger = felts.Encode(ControlLedgerAddress);
        JobManagerB = felts.Encode(JobManagerBAddress);
    }

    public Felt Address(TargetContract contract) => contract switch
    {
        TargetContract.JobManager => _options.JobManager,
        TargetContract.CdcPool => _options.CdcPool,
        TargetContract.MetricsRegistry => _options.MetricsRegistry,
        TargetContract.JobManagerB => JobManagerBAddress,
        TargetContract.LabLedger => LabLedgerAddress,
        TargetContract.ControlLedger => ControlLedgerAddress,
        _ => _options.FeeToken,
    };

    private readonly SimulatorOptions _options;

    public ulong ContractCode(TargetContract contract) => contract switch
    {
        TargetContract.JobManager => JobManager,
        TargetContract.CdcPool => CdcPool,
        TargetContract.MetricsRegistry => MetricsRegistry,
        TargetContract.LabLedger => LabLedger,
        TargetContract.ControlLedger => ControlLedger,
        TargetContract.JobManagerB => JobManagerB,
        _ => FeeToken,
    };
}
