using System.Runtime.InteropServices;
using Ciro.ChainSimulator.Chain;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Generation;

/// <summary>
/// Turns a finished builder into an immutable block with commitments and a hash. The commitments are
/// simulator hashes over the block's contents (not Patricia roots), so any change of contents, or of branch,
/// changes the block hash, and each block hash commits to its parent's.
/// </summary>
public static class BlockSealer
{
    public readonly record struct Header(long Number, int Branch, SimBlock? Parent, ulong Timestamp, Accounts Accounts, GasPrices Prices, Felt ChainId);

    public static SimBlock Seal(BlockBuilder builder, FeltTable felts, Header h, ChainState state, IReadOnlyDictionary<string, int>? effects)
    {
        var transactions = builder.TakeTransactions();
        var events = builder.TakeEvents();
        var pool = builder.TakeFelts();
        var words = new List<ulong>(Math.Max(16, transactions.Length * 8));

        foreach (var tx in transactions)
        {
            FeltHash.AddFelt(words, tx.Hash);
        }
        var txCommitment = FeltHash.Of(CollectionsMarshal.AsSpan(words));

        words.Clear();
        foreach (var e in events)
        {
            words.Add(e.From);
            for (var i = e.Start; i < e.Start + e.KeyCount + e.DataCount; i++)
            {
                // Interned codes depend on interning order; hash a slice of the felt's value instead.
                var code = pool[i];
                words.Add(FeltTable.IsSmall(code) ? code : (ulong)felts.Decode(code).Low);
            }
        }
        var eventCommitment = FeltHash.Of(CollectionsMarshal.AsSpan(words));

        words.Clear();
        foreach (var tx in transactions)
        {
            words.Add((ulong)tx.Hash.Low);
            words.Add((ulong)tx.Fee);
            words.Add(tx.L2Gas);
            words.Add(tx.L1DataGas);
            words.Add((ulong)(tx.RevertReason + 1));
        }
        var receiptCommitment = FeltHash.Of(CollectionsMarshal.AsSpan(words));

        var stateDiffLength = builder.StorageWrites;
        var stateDiffCommitment = FeltHash.Of((ulong)h.Number, (ulong)stateDiffLength, (ulong)txCommitment.Low, (ulong)receiptCommitment.Low);
        var parentRoot = h.Parent?.NewRoot ?? Felt.Zero;
        var newRoot = FeltHash.Of((ulong)parentRoot.Low, (ulong)(parentRoot.High), (ulong)stateDiffCommitment.Low, (ulong)stateDiffCommitment.High);
        var parentHash = h.Parent?.Hash ?? Felt.Zero;

        words.Clear();
        words.Add((ulong)h.Number);
        FeltHash.AddFelt(words, parentHash);
        words.Add(h.Timestamp);
        FeltHash.AddFelt(words, Accounts.SequencerAddress);
        FeltHash.AddFelt(words, txCommitment);
        FeltHash.AddFelt(words, eventCommitment);
        FeltHash.AddFelt(words, receiptCommitment);
        FeltHash.AddFelt(words, stateDiffCommitment);
        FeltHash.AddFelt(words, newRoot);
        words.AddRange([h.Prices.L1Fri, h.Prices.L1Wei, h.Prices.L1DataFri, h.Prices.L1DataWei, h.Prices.L2Fri, h.Prices.L2Wei]);
        words.Add((ulong)h.Branch);
        FeltHash.AddFelt(words, h.ChainId);

        return new SimBlock
        {
            Number = h.Number,
            Hash = FeltHash.Of(CollectionsMarshal.AsSpan(words)),
            ParentHash = parentHash,
            Timestamp = h.Timestamp,
            NewRoot = newRoot,
            Sequencer = Accounts.SequencerAddress,
            Prices = h.Prices,
            TransactionCommitment = txCommitment,
            EventCommitment = eventCommitment,
            ReceiptCommitment = receiptCommitment,
            StateDiffCommitment = stateDiffCommitment,
            StateDiffLength = stateDiffLength,
            Transactions = transactions,
            Events = events,
            Calls = builder.TakeCalls(),
            Felts = pool,
            Branch = h.Branch,
            JobCountAfter = state.NextJobId - 1,
            WorkerCountAfter = state.RegisteredWorkers,
            L2GasUsed = builder.L2GasUsed,
            Effects = effects,
            ClassChanges = builder.TakeClassChanges(),
        };
    }
}
