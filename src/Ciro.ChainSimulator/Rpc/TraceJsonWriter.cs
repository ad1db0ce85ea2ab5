using System.Text.Json;
using Ciro.ChainSimulator.Chain;
using Ciro.ChainSimulator.Generation;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Rpc;

/// <summary>
/// starknet_traceBlockTransactions / starknet_traceTransaction answers (trace API v0.10.3), derived from the same
/// compact store as the receipts, so a trace never disagrees with its receipt: the __execute__ call tree has one call
/// per multicall call of the calldata with the L2 gas, events and storage writes the generator recorded for it
/// (<see cref="SimCall"/>); validate + execute + fee transfer L2 gas is the receipt's L2 gas; the state diff has one
/// storage entry per slot written plus the fee token's balance entry and one nonce, so
/// l1_data_gas = <see cref="CiroCatalog.L1DataGasPerWrite"/> × (storage entries + nonces).
/// A reverted transaction's execute invocation is only its revert reason, as the spec's
/// REVERTIBLE_FUNCTION_INVOCATION says.
/// </summary>
public sealed class TraceJsonWriter(FeltTable felts, Accounts accounts, ChainJsonWriter json)
{
    private static readonly Felt ValidateSelector = Selector.FromName("__validate__");
    private static readonly Felt ExecuteSelector = Selector.FromName("__execute__");
    private static readonly Felt TransferSelector = Selector.FromName("transfer");
    private static readonly Felt PushCallSampleSelector = Selector.FromName("push_call_sample");
    private static readonly Felt Valid = Felt.FromShortString("VALID");

    /// <summary>The class every simulated account runs (an OpenZeppelin-like account; the hash is a stand-in).</summary>
    public static readonly Felt AccountClassHash = FeltHash.Of(0xC1A55, 0xACC0);

    /// <summary>A contract's class hash: a stand-in derived from its address (one class per contract).</summary>
    public static Felt ClassHashOf(Felt contract) => FeltHash.Of(0xC1A55, (ulong)contract.Low, (ulong)(contract.Low >> 64), (ulong)contract.High);

    /// <summary>The storage slot a transaction's call wrote (stand-in for sn_keccak-derived variable addresses).</summary>
    public static Felt StorageKey(Felt txHash, int call, int write) =>
        FeltHash.Of((ulong)txHash.Low, (ulong)(txHash.Low >> 64), (ulong)call, (ulong)write);

    public void BlockTraces(Utf8JsonWriter w, SimBlock b)
    {
        w.WriteStartArray();
        for (var i = 0; i < b.Transactions.Length; i++)
        {
            w.WriteStartObject();
            w.WritePropertyName("trace_root"u8);
            Trace(w, b, i);
            json.Felt(w, "transaction_hash"u8, b.Transactions[i].Hash);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>INVOKE_TXN_TRACE of transaction <paramref name="index"/>.</summary>
    public void Trace(Utf8JsonWriter w, SimBlock b, int index)
    {
        ref readonly var tx = ref b.Transactions[index];
        var sender = felts.Decode(tx.Sender);
        w.WriteStartObject();
        w.WriteString("type"u8, "INVOKE"u8);

        w.WritePropertyName("validate_invocation"u8);
        StartInvocation(w, sender, ValidateSelector);
        Codes(w, "calldata"u8, b.Calldata(tx));
        EndInvocation(w, [Valid], Felt.Zero, AccountClassHash, CiroCatalog.ValidateL2Gas);

        w.WritePropertyName("execute_invocation"u8);
        if (tx.Reverted)
        {
            w.WriteStartObject();
            w.WriteString("revert_reason"u8, CiroCatalog.RevertReasons[tx.RevertReason]);
            w.WriteEndObject();
        }
        else
        {
            Execute(w, b, tx, sender);
        }

        // The fee Transfer is the transaction's last event.
        w.WritePropertyName("fee_transfer_invocation"u8);
        var feeToken = felts.Decode(accounts.FeeToken);
        StartInvocation(w, feeToken, TransferSelector);
        w.WriteStartArray("calldata"u8);
        CodeValue(w, accounts.Sequencer);
        ChainJsonWriter.FeltValue(w, new Felt(0, tx.Fee));
        ChainJsonWriter.FeltValue(w, Felt.Zero);
        w.WriteEndArray();
        w.WriteStartArray("result"u8);
        ChainJsonWriter.FeltValue(w, Felt.One);
        w.WriteEndArray();
        w.WriteStartArray("calls"u8);
        w.WriteEndArray();
        w.WriteStartArray("events"u8);
        OrderedEvent(w, b, b.Events[tx.FirstEvent + tx.EventCount - 1]);
        w.WriteEndArray();
        EndMembers(w, sender, ClassHashOf(feeToken), CiroCatalog.FeeTransferL2Gas);

        StateDiff(w, b, tx, sender);

        w.WriteStartObject("execution_resources"u8);
        w.WriteNumber("l1_gas"u8, tx.L1Gas);
        w.WriteNumber("l1_data_gas"u8, tx.L1DataGas);
        w.WriteNumber("l2_gas"u8, tx.L2Gas);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>__execute__: its own share of the account overhead plus its calls' gas.</summary>
    private void Execute(Utf8JsonWriter w, SimBlock b, in SimTx tx, Felt sender)
    {
        var calldata = b.Calldata(tx);
        StartInvocation(w, sender, ExecuteSelector);
        Codes(w, "calldata"u8, calldata);
        w.WriteStartArray("result"u8);
        w.WriteEndArray();
        w.WriteStartArray("calls"u8);
        var position = 1; // calldata: [n_calls, (to, selector, len, args…)…]
        for (var c = 0; c < tx.CallCount; c++)
        {
            var call = b.Calls[tx.FirstCall + c];
            var to = felts.Decode(calldata[position]);
            var selector = felts.Decode(calldata[position + 1]);
            var length = (int)calldata[position + 2];
            var args = calldata.Slice(position + 3, length);
            position += 3 + length;
            Call(w, b, call, calldata[position - 3 - length], to, selector, args, sender);
        }
        w.WriteEndArray();
        w.WriteStartArray("events"u8);
        w.WriteEndArray();
        EndMembers(w, Felt.Zero, AccountClassHash, tx.L2Gas - CiroCatalog.ValidateL2Gas - CiroCatalog.FeeTransferL2Gas);
    }

    /// <summary>One call of the multicall. Its events are those the generator attributed to it; an event emitted by
    /// another contract (the MetricsRegistry's CallSamplePushed during flush_calls) is the event of a nested call to
    /// that contract, whose gas is what its event felts cost.</summary>
    private void Call(Utf8JsonWriter w, SimBlock b, in SimCall call, ulong toCode, Felt to, Felt selector, ReadOnlySpan<ulong> args, Felt caller)
    {
        StartInvocation(w, to, selector);
        Codes(w, "calldata"u8, args);
        w.WriteStartArray("result"u8);
        w.WriteEndArray();
        w.WriteStartArray("calls"u8);
        for (var e = call.FirstEvent; e < call.FirstEvent + call.EventCount; e++)
        {
            ref readonly var ev = ref b.Events[e];
            if (ev.From != toCode)
            {
                NestedEmitter(w, b, ev, to);
            }
        }
        w.WriteEndArray();
        w.WriteStartArray("events"u8);
        for (var e = call.FirstEvent; e < call.FirstEvent + call.EventCount; e++)
        {
            if (b.Events[e].From == toCode)
            {
                OrderedEvent(w, b, b.Events[e]);
            }
        }
        w.WriteEndArray();
        EndMembers(w, caller, ClassHashOf(to), call.L2Gas);
    }

    private void NestedEmitter(Utf8JsonWriter w, SimBlock b, in SimEvent ev, Felt caller)
    {
        var contract = felts.Decode(ev.From);
        StartInvocation(w, contract, PushCallSampleSelector);
        // push_call_sample(selector, hour, count): the event's last key and its data.
        var keys = b.Keys(ev);
        w.WriteStartArray("calldata"u8);
        CodeValue(w, keys[^1]);
        foreach (var d in b.Data(ev))
        {
            CodeValue(w, d);
        }
        w.WriteEndArray();
        w.WriteStartArray("result"u8);
        w.WriteEndArray();
        w.WriteStartArray("calls"u8);
        w.WriteEndArray();
        w.WriteStartArray("events"u8);
        OrderedEvent(w, b, ev);
        w.WriteEndArray();
        EndMembers(w, caller, ClassHashOf(contract), (ulong)ev.KeyCount * PerformanceMonitor.EventKeyFeltGas + (ulong)ev.DataCount * PerformanceMonitor.EventDataFeltGas);
    }

    /// <summary>STATE_DIFF: storage entries grouped by contract in the order first written, the fee token's entry for
    /// the sender's balance, and the sender's new nonce.</summary>
    private void StateDiff(Utf8JsonWriter w, SimBlock b, in SimTx tx, Felt sender)
    {
        var calldata = b.Calldata(tx);
        var writes = new List<(ulong Contract, Felt Key, bool Small)>();
        var position = 1;
        for (var c = 0; c < tx.CallCount; c++)
        {
            var call = b.Calls[tx.FirstCall + c];
            var to = calldata[position];
            position += 3 + (int)calldata[position + 2];
            for (var k = 0; k < call.StorageWrites; k++)
            {
                writes.Add((to, StorageKey(tx.Hash, c, k), call.SmallValues));
            }
        }
        writes.Add((accounts.FeeToken, FeltHash.Of((ulong)sender.Low, (ulong)(sender.Low >> 64), (ulong)sender.High, 0xBA1), false));

        w.WriteStartObject("state_diff"u8);
        w.WriteStartArray("storage_diffs"u8);
        foreach (var group in writes.GroupBy(x => x.Contract))
        {
            w.WriteStartObject();
            Code(w, "address"u8, group.Key);
            w.WriteStartArray("storage_entries"u8);
            foreach (var (_, key, small) in group)
            {
                var value = FeltHash.Of((ulong)key.Low, (ulong)tx.Hash.Low, 0x5A1);
                w.WriteStartObject();
                json.Felt(w, "key"u8, key);
                // A small value is a 32-bit counter (exactly 32 bits long); the others are hash-like, ~250 bits.
                json.Felt(w, "value"u8, small ? new Felt(0, (value.Low & 0x7FFF_FFFF) | 0x8000_0000) : value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("nonces"u8);
        w.WriteStartObject();
        json.Felt(w, "contract_address"u8, sender);
        json.Felt(w, "nonce"u8, new Felt(0, tx.Nonce + 1));
        w.WriteEndObject();
        w.WriteEndArray();
        foreach (var empty in new[] { "deployed_contracts", "deprecated_declared_classes", "declared_classes", "replaced_classes", "migrated_compiled_classes" })
        {
            w.WriteStartArray(empty);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private void StartInvocation(Utf8JsonWriter w, Felt contract, Felt selector)
    {
        w.WriteStartObject();
        json.Felt(w, "contract_address"u8, contract);
        json.Felt(w, "entry_point_selector"u8, selector);
    }

    /// <summary>A leaf invocation's members after its calldata.</summary>
    private void EndInvocation(Utf8JsonWriter w, Felt[] result, Felt caller, Felt classHash, ulong l2Gas)
    {
        w.WriteStartArray("result"u8);
        foreach (var r in result)
        {
            ChainJsonWriter.FeltValue(w, r);
        }
        w.WriteEndArray();
        w.WriteStartArray("calls"u8);
        w.WriteEndArray();
        w.WriteStartArray("events"u8);
        w.WriteEndArray();
        EndMembers(w, caller, classHash, l2Gas);
    }

    private void EndMembers(Utf8JsonWriter w, Felt caller, Felt classHash, ulong l2Gas)
    {
        json.Felt(w, "caller_address"u8, caller);
        json.Felt(w, "class_hash"u8, classHash);
        w.WriteString("entry_point_type"u8, "EXTERNAL"u8);
        w.WriteString("call_type"u8, "CALL"u8);
        w.WriteStartArray("messages"u8);
        w.WriteEndArray();
        w.WriteStartObject("execution_resources"u8);
        w.WriteNumber("l1_gas"u8, 0);
        w.WriteNumber("l2_gas"u8, l2Gas);
        w.WriteEndObject();
        w.WriteBoolean("is_reverted"u8, false);
        w.WriteEndObject();
    }

    private void OrderedEvent(Utf8JsonWriter w, SimBlock b, in SimEvent e)
    {
        w.WriteStartObject();
        w.WriteNumber("order"u8, e.IndexInTx);
        Codes(w, "keys"u8, b.Keys(e));
        Codes(w, "data"u8, b.Data(e));
        w.WriteEndObject();
    }

    private void Code(Utf8JsonWriter w, ReadOnlySpan<byte> name, ulong code) => json.Code(w, name, code);

    private void CodeValue(Utf8JsonWriter w, ulong code)
    {
        Span<byte> buffer = stackalloc byte[68];
        w.WriteStringValue(buffer[..felts.FormatUtf8(code, buffer)]);
    }

    private void Codes(Utf8JsonWriter w, ReadOnlySpan<byte> name, ReadOnlySpan<ulong> codes)
    {
        w.WriteStartArray(name);
        foreach (var c in codes)
        {
            CodeValue(w, c);
        }
        w.WriteEndArray();
    }
}
