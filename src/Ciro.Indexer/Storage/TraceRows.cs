using Ciro.Starknet;
using Ciro.Starknet.Rpc;

namespace Ciro.Indexer.Storage;

/// <summary>
/// One transaction's trace as rows of ciro.call_traces (every invocation of every phase, depth first, parents
/// before children; call_id is that order) and one row of ciro.tx_state_diffs. The column order is the COPY
/// statements' in <see cref="BlockBatchWriter"/>.
/// </summary>
public static class TraceRows
{
    private static readonly Felt ExecuteSelector = Selector.FromName("__execute__");

    public static void Write(CopyBuffer calls, CopyBuffer diffs, CopyBuffer writes, ulong blockNumber, long unixTime, int txIndex,
        TransactionWithReceipt item, TransactionTrace trace, IndexerRowFilter filter)
    {
        var row = new RowContext(calls, blockNumber, unixTime, txIndex, filter);
        var callId = 0;
        Phase(row, "validate", trace.ValidateInvocation, item, ref callId);
        Phase(row, "execute", trace.ExecuteInvocation, item, ref callId);
        Phase(row, "constructor", trace.ConstructorInvocation, item, ref callId);
        Phase(row, "l1_handler", trace.FunctionInvocation, item, ref callId);
        Phase(row, "fee_transfer", trace.FeeTransferInvocation, item, ref callId);
        if (trace.StateDiff is { } diff)
        {
            StateDiffRow(diffs, blockNumber, unixTime, txIndex, item.Receipt.TransactionHash, diff, trace.ExecutionResources);
            StorageWriteRows(writes, blockNumber, unixTime, txIndex, diff);
        }
    }

    private readonly record struct RowContext(CopyBuffer Rows, ulong BlockNumber, long UnixTime, int TxIndex, IndexerRowFilter Filter);

    private static void Phase(RowContext row, string phase, FunctionInvocation? root, TransactionWithReceipt item, ref int callId)
    {
        if (root is null)
        {
            return;
        }
        if (root.RevertReason is not null)
        {
            // A reverted execute (or L1 handler) is only its reason: one row for the account's entry point.
            var account = item.Transaction.SenderAddress ?? item.Transaction.ContractAddress ?? Felt.Zero;
            Reverted(row, phase, callId++, account, root.RevertReason);
            return;
        }
        Invocation(row, phase, root, null, 0, ref callId);
    }

    private static void Invocation(RowContext row, string phase, FunctionInvocation call, int? parentId, int depth, ref int callId)
    {
        var id = callId++;
        var r = row.Rows;
        r.StartRow(25);
        Key(row, id);
        if (parentId is { } parent)
        {
            r.Int4(parent);
        }
        else
        {
            r.Null();
        }
        r.Int4(depth);
        r.Text(phase);
        r.Bytea(call.ContractAddress);
        r.Bytea(call.CallerAddress);
        r.Bytea(call.ClassHash);
        r.Bytea(call.EntryPointSelector);
        r.Text(row.Filter.FunctionName(call.ContractAddress, call.EntryPointSelector));
        r.Text(call.EntryPointType);
        r.Text(call.CallType);
        r.Int4(call.Calldata.Count);
        var small = 0;
        foreach (var felt in call.Calldata)
        {
            if (felt.High == 0 && felt.Low <= ulong.MaxValue)
            {
                small++;
            }
        }
        r.Int4(small);
        var resources = call.ExecutionResources;
        r.Int8((long)resources.L1Gas);
        // The v0.7 shape has no L2 gas: NULL, and its Cairo steps instead.
        if (resources.IsLegacyShape)
        {
            r.Null();
            r.Int8((long)(resources.Steps ?? 0));
        }
        else
        {
            r.Int8((long)resources.L2Gas);
            r.Null();
        }
        int keyFelts = 0, dataFelts = 0;
        foreach (var e in call.Events)
        {
            keyFelts += e.Keys.Count;
            dataFelts += e.Data.Count;
        }
        r.Int4(call.Events.Count);
        r.Int4(keyFelts);
        r.Int4(dataFelts);
        r.Int4(call.Messages.Count);
        r.Bool(call.IsReverted);
        r.Null();
        foreach (var child in call.Calls)
        {
            Invocation(row, phase, child, id, depth + 1, ref callId);
        }
    }

    private static void Reverted(RowContext row, string phase, int id, Felt account, string reason)
    {
        var r = row.Rows;
        r.StartRow(25);
        Key(row, id);
        r.Null();
        r.Int4(0);
        r.Text(phase);
        r.Bytea(account);
        r.Bytea(Felt.Zero);
        r.Null();
        r.Bytea(ExecuteSelector);
        r.Text("__execute__");
        r.Null();
        r.Null();
        r.Int4(0);
        r.Int4(0);
        r.Null();
        r.Null();
        r.Null();
        r.Int4(0);
        r.Int4(0);
        r.Int4(0);
        r.Int4(0);
        r.Bool(true);
        r.Text(reason);
    }

    private static void Key(RowContext row, int id)
    {
        row.Rows.Int8((long)row.BlockNumber);
        row.Rows.TimestampFromUnixSeconds(row.UnixTime);
        row.Rows.Int4(row.TxIndex);
        row.Rows.Int4(id);
    }

    /// <summary>Per contract: unique keys written and the summed bit length of their new values (each at most 251).</summary>
    private static void StorageWriteRows(CopyBuffer rows, ulong blockNumber, long unixTime, int txIndex, StateDiff diff)
    {
        foreach (var group in diff.StorageDiffs.GroupBy(d => d.Address))
        {
            var values = new Dictionary<Felt, Felt>();
            foreach (var entry in group.SelectMany(d => d.StorageEntries))
            {
                values[entry.Key] = entry.Value;
            }
            if (values.Count == 0)
            {
                continue;
            }
            var bits = 0;
            foreach (var value in values.Values)
            {
                bits += BitLength(value);
            }
            rows.StartRow(6);
            rows.Int8((long)blockNumber);
            rows.TimestampFromUnixSeconds(unixTime);
            rows.Int4(txIndex);
            rows.Bytea(group.Key);
            rows.Int4(values.Count);
            rows.Int4(bits);
        }
    }

    private static int BitLength(Felt value) => value.High != 0
        ? Math.Min(251, 256 - (int)UInt128.LeadingZeroCount(value.High))
        : 128 - (int)UInt128.LeadingZeroCount(value.Low);

    /// <summary>m, n and ℓ of the L1 data gas formula: unique storage keys written, contracts touched (storage,
    /// nonce, deployment or class change), class changes (deployments and replacements); declarations apart.</summary>
    private static void StateDiffRow(CopyBuffer rows, ulong blockNumber, long unixTime, int txIndex, Felt txHash, StateDiff diff, ExecutionResources resources)
    {
        var keys = new HashSet<(Felt, Felt)>();
        var touched = new HashSet<Felt>();
        foreach (var storage in diff.StorageDiffs)
        {
            touched.Add(storage.Address);
            foreach (var entry in storage.StorageEntries)
            {
                keys.Add((storage.Address, entry.Key));
            }
        }
        foreach (var nonce in diff.Nonces)
        {
            touched.Add(nonce.ContractAddress);
        }
        foreach (var deployed in diff.DeployedContracts)
        {
            touched.Add(deployed.Address);
        }
        foreach (var replaced in diff.ReplacedClasses)
        {
            touched.Add(replaced.ContractAddress);
        }
        rows.StartRow(12);
        rows.Int8((long)blockNumber);
        rows.TimestampFromUnixSeconds(unixTime);
        rows.Int4(txIndex);
        rows.Bytea(txHash);
        rows.Int4(keys.Count);
        rows.Int4(diff.StorageDiffs.Select(d => d.Address).Distinct().Count());
        rows.Int4(diff.Nonces.Count);
        rows.Int4(touched.Count);
        rows.Int4(diff.DeployedContracts.Count + diff.ReplacedClasses.Count);
        rows.Int4(diff.DeclaredClasses.Count + diff.DeprecatedDeclaredClasses.Count);
        rows.Int8((long)resources.L1DataGas);
        rows.Int8((long)resources.L2Gas);
    }
}
