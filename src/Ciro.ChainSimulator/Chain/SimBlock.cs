using Ciro.ChainSimulator.Generation;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Chain;

/// <summary>Per-resource prices of one block, in FRI (STRK) and WEI (ETH), as the header reports them.</summary>
public readonly record struct GasPrices(ulong L1Fri, ulong L1Wei, ulong L1DataFri, ulong L1DataWei, ulong L2Fri, ulong L2Wei);

/// <summary>One INVOKE v3 transaction and its receipt. Calldata lives in the block's felt pool.</summary>
public struct SimTx
{
    public Felt Hash;
    public ulong Sender;          // felt code
    public ulong Nonce;
    public int CalldataStart;     // index into SimBlock.Felts
    public int CalldataLength;
    public int FirstEvent;        // index into SimBlock.Events
    public int EventCount;
    public ulong L1Gas;
    public ulong L1DataGas;
    public ulong L2Gas;
    public UInt128 Fee;           // FRI
    public ulong Tip;
    public short RevertReason;    // -1 when the transaction succeeded
    public byte Function;         // the first call's CiroFunction, for ground-truth counters
    public ulong MonitorL2Gas;    // part of L2Gas the performance monitor's hooks cost (0 when nothing was sampled)
    public int FirstCall;         // index into SimBlock.Calls: the multicall's calls, in calldata order
    public int CallCount;
    public ulong L2GasBound;      // resource_bounds.l2_gas.max_amount; 0: 1.5 × L2Gas, what a wallet's estimate adds

    public readonly bool Reverted => RevertReason >= 0;
}

/// <summary>One call of a transaction's multicall as its trace reports it: the L2 gas of the call tree rooted there
/// (the monitor's hooks included), the storage slots it wrote and its events (contiguous in SimBlock.Events).
/// Contract, selector and arguments are the calldata's. A reverted transaction's calls keep no events or writes.</summary>
public struct SimCall
{
    public ulong L2Gas;
    public int FirstEvent;
    public int EventCount;
    public int StorageWrites;
    public bool SmallValues;      // the written slots hold small values (FunctionProfile.SmallValueWrites)
}

/// <summary>One emitted event: keys then data, contiguous in the block's felt pool.</summary>
public struct SimEvent
{
    public ulong From;            // felt code of the emitting contract
    public int Start;
    public byte KeyCount;
    public byte DataCount;
    public ushort TxIndex;
    public ushort IndexInTx;
    public byte Kind;             // EventKind, so ground truth counts events by name without decoding
}

/// <summary>
/// An immutable sealed (or pre-confirmed) block. Everything variable-length sits in three flat arrays so that
/// pre-generating a million events allocates a handful of arrays per block instead of millions of objects.
/// </summary>
public sealed class SimBlock
{
    public required long Number { get; init; }
    public required Felt Hash { get; init; }
    public required Felt ParentHash { get; init; }
    public required ulong Timestamp { get; init; }
    public required Felt NewRoot { get; init; }
    public required Felt Sequencer { get; init; }
    public required GasPrices Prices { get; init; }
    public required Felt TransactionCommitment { get; init; }
    public required Felt EventCommitment { get; init; }
    public required Felt ReceiptCommitment { get; init; }
    public required Felt StateDiffCommitment { get; init; }
    public required int StateDiffLength { get; init; }
    public required SimTx[] Transactions { get; init; }
    public required SimEvent[] Events { get; init; }
    public required SimCall[] Calls { get; init; }
    public required ulong[] Felts { get; init; }
    /// <summary>Which branch produced the block: 0 originally, +1 for each reorg. Part of the hash.</summary>
    public required int Branch { get; init; }
    /// <summary>Ground truth for starknet_call views at this block.</summary>
    public required long JobCountAfter { get; init; }
    public required long WorkerCountAfter { get; init; }
    public required ulong L2GasUsed { get; init; }
    /// <summary>Scenario effects this block carries (e.g. "gas-spike.spikedCalls": 3), null when none.</summary>
    public IReadOnlyDictionary<string, int>? Effects { get; init; }
    /// <summary>Contracts deployed or whose class was replaced in this block (the state update's class part).</summary>
    public ClassChange[] ClassChanges { get; init; } = [];

    public ReadOnlySpan<ulong> Keys(in SimEvent e) => Felts.AsSpan(e.Start, e.KeyCount);
    public ReadOnlySpan<ulong> Data(in SimEvent e) => Felts.AsSpan(e.Start + e.KeyCount, e.DataCount);
    public ReadOnlySpan<ulong> Calldata(in SimTx tx) => Felts.AsSpan(tx.CalldataStart, tx.CalldataLength);
}
