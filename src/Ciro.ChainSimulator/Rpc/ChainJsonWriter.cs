using System.Text.Json;
using Ciro.ChainSimulator.Chain;
using Ciro.ChainSimulator.Generation;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Rpc;

/// <summary>
/// Writes blocks, transactions, receipts and events in the v0.10.3 shapes (or, with Simulator:RpcShape=v0_7, the
/// v0.7.1 shapes) straight from the compact store into a Utf8JsonWriter: no DTOs, no per-felt strings. Property
/// order follows recorded node responses.
/// </summary>
public sealed class ChainJsonWriter(FeltTable felts, SimulatorOptions options)
{
    /// <summary>v0.7.1: what nodes served in early 2024 (see <see cref="RpcShape.V0_7"/>).</summary>
    private readonly bool _v07 = options.RpcShape == RpcShape.V0_7;

    private readonly HashSet<long> _undecodable = [.. options.UndecodableBlocks];

    public string SpecVersion => _v07 ? "0.7.1" : "0.10.3";

    public static string Status(ChainView view, SimBlock block, bool pending) =>
        pending ? "PRE_CONFIRMED" : view.IsL1Accepted(block.Number) ? "ACCEPTED_ON_L1" : "ACCEPTED_ON_L2";

    /// <summary>A receipt's finality: v0.7 had no PRE_CONFIRMED, a pending block's receipts said ACCEPTED_ON_L2.</summary>
    public string Finality(ChainView view, SimBlock block, bool pending) =>
        _v07 && pending ? "ACCEPTED_ON_L2" : Status(view, block, pending);

    public void Felt(Utf8JsonWriter w, ReadOnlySpan<byte> name, Felt value)
    {
        Span<byte> buffer = stackalloc byte[68];
        w.WriteString(name, buffer[..HexFormat.FormatFelt(value, buffer)]);
    }

    public void Code(Utf8JsonWriter w, ReadOnlySpan<byte> name, ulong code)
    {
        Span<byte> buffer = stackalloc byte[68];
        w.WriteString(name, buffer[..felts.FormatUtf8(code, buffer)]);
    }

    private void CodeValue(Utf8JsonWriter w, ulong code)
    {
        Span<byte> buffer = stackalloc byte[68];
        w.WriteStringValue(buffer[..felts.FormatUtf8(code, buffer)]);
    }

    public static void FeltValue(Utf8JsonWriter w, Felt value)
    {
        Span<byte> buffer = stackalloc byte[68];
        w.WriteStringValue(buffer[..HexFormat.FormatFelt(value, buffer)]);
    }

    private static void Hex(Utf8JsonWriter w, ReadOnlySpan<byte> name, UInt128 value)
    {
        Span<byte> buffer = stackalloc byte[68];
        w.WriteString(name, buffer[..HexFormat.FormatFelt(new Felt(0, value), buffer)]);
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

    /// <summary>BLOCK_HEADER (with status) or PRE_CONFIRMED_BLOCK_HEADER members, without the braces. In the v0.7
    /// shape: no l2_gas_price, commitments or counts, and a pending header has a parent_hash and no block_number.</summary>
    public void HeaderMembers(Utf8JsonWriter w, ChainView view, SimBlock b, bool pending, bool withStatus)
    {
        if (!pending)
        {
            if (withStatus)
            {
                w.WriteString("status"u8, Status(view, b, pending));
            }
            Felt(w, "block_hash"u8, b.Hash);
        }
        if (!pending || _v07)
        {
            Felt(w, "parent_hash"u8, b.ParentHash);
        }
        if (!pending || !_v07)
        {
            w.WriteNumber("block_number"u8, b.Number);
        }
        if (!pending)
        {
            Felt(w, "new_root"u8, b.NewRoot);
        }
        w.WriteNumber("timestamp"u8, b.Timestamp);
        Felt(w, "sequencer_address"u8, b.Sequencer);
        Price(w, "l1_gas_price"u8, b.Prices.L1Fri, b.Prices.L1Wei);
        Price(w, "l1_data_gas_price"u8, b.Prices.L1DataFri, b.Prices.L1DataWei);
        w.WriteString("l1_da_mode"u8, "BLOB"u8);
        if (_v07)
        {
            w.WriteString("starknet_version"u8, "0.13.1.1"u8);
            return;
        }
        w.WriteString("starknet_version"u8, "0.14.1"u8);
        Price(w, "l2_gas_price"u8, b.Prices.L2Fri, b.Prices.L2Wei);
        if (!pending)
        {
            Felt(w, "transaction_commitment"u8, b.TransactionCommitment);
            Felt(w, "event_commitment"u8, b.EventCommitment);
            Felt(w, "receipt_commitment"u8, b.ReceiptCommitment);
            Felt(w, "state_diff_commitment"u8, b.StateDiffCommitment);
            w.WriteNumber("event_count"u8, b.Events.Length);
            w.WriteNumber("transaction_count"u8, b.Transactions.Length);
            w.WriteNumber("state_diff_length"u8, b.StateDiffLength);
        }
    }

    private static void Price(Utf8JsonWriter w, ReadOnlySpan<byte> name, ulong fri, ulong wei)
    {
        w.WriteStartObject(name);
        Hex(w, "price_in_fri"u8, fri);
        Hex(w, "price_in_wei"u8, wei);
        w.WriteEndObject();
    }

    public void BlockWithTxHashes(Utf8JsonWriter w, ChainView view, SimBlock b, bool pending)
    {
        w.WriteStartObject();
        HeaderMembers(w, view, b, pending, withStatus: true);
        w.WriteStartArray("transactions"u8);
        foreach (var tx in b.Transactions)
        {
            FeltValue(w, tx.Hash);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public void BlockWithReceipts(Utf8JsonWriter w, ChainView view, SimBlock b, bool pending)
    {
        w.WriteStartObject();
        HeaderMembers(w, view, b, pending, withStatus: true);
        var finality = Finality(view, b, pending);
        w.WriteStartArray("transactions"u8);
        for (var i = 0; i < b.Transactions.Length; i++)
        {
            w.WriteStartObject();
            w.WritePropertyName("transaction"u8);
            Transaction(w, b, i, withHash: false);
            w.WritePropertyName("receipt"u8);
            w.WriteStartObject();
            ReceiptMembers(w, b, i, finality);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>INVOKE_TXN_V3. Signatures are derived from the hash (nothing verifies them).</summary>
    public void Transaction(Utf8JsonWriter w, SimBlock b, int index, bool withHash)
    {
        ref readonly var tx = ref b.Transactions[index];
        w.WriteStartObject();
        if (withHash)
        {
            Felt(w, "transaction_hash"u8, tx.Hash);
        }
        w.WriteString("type"u8, "INVOKE"u8);
        w.WriteString("version"u8, "0x3"u8);
        Hex(w, "nonce"u8, tx.Nonce);
        Code(w, "sender_address"u8, tx.Sender);
        w.WriteStartArray("signature"u8);
        FeltValue(w, FeltHash.Of((ulong)tx.Hash.Low, (ulong)(tx.Hash.Low >> 64), 1));
        FeltValue(w, FeltHash.Of((ulong)tx.Hash.Low, (ulong)(tx.Hash.Low >> 64), 2));
        w.WriteEndArray();
        Codes(w, "calldata"u8, b.Calldata(tx));
        w.WriteStartObject("resource_bounds"u8);
        Bounds(w, "l1_gas"u8, 0, b.Prices.L1Fri * 2);
        Bounds(w, "l2_gas"u8, tx.L2GasBound != 0 ? tx.L2GasBound : tx.L2Gas * 3 / 2, b.Prices.L2Fri * 2);
        if (!_v07)
        {
            Bounds(w, "l1_data_gas"u8, Math.Max(tx.L1DataGas * 2, 10_000), b.Prices.L1DataFri * 2);
        }
        w.WriteEndObject();
        Hex(w, "tip"u8, tx.Tip);
        w.WriteStartArray("paymaster_data"u8);
        w.WriteEndArray();
        w.WriteStartArray("account_deployment_data"u8);
        w.WriteEndArray();
        w.WriteString("nonce_data_availability_mode"u8, "L1"u8);
        w.WriteString("fee_data_availability_mode"u8, "L1"u8);
        w.WriteEndObject();
    }

    private static void Bounds(Utf8JsonWriter w, ReadOnlySpan<byte> name, ulong maxAmount, UInt128 maxPrice)
    {
        w.WriteStartObject(name);
        Hex(w, "max_amount"u8, maxAmount);
        Hex(w, "max_price_per_unit"u8, maxPrice);
        w.WriteEndObject();
    }

    /// <summary>INVOKE_TXN_RECEIPT members; the fee is in FRI (v3).</summary>
    public void ReceiptMembers(Utf8JsonWriter w, SimBlock b, int index, string finality)
    {
        ref readonly var tx = ref b.Transactions[index];
        w.WriteString("type"u8, "INVOKE"u8);
        Felt(w, "transaction_hash"u8, tx.Hash);
        w.WriteStartObject("actual_fee"u8);
        Hex(w, "amount"u8, tx.Fee);
        w.WriteString("unit"u8, "FRI"u8);
        w.WriteEndObject();
        if (tx.Reverted)
        {
            w.WriteString("execution_status"u8, "REVERTED"u8);
            w.WriteString("revert_reason"u8, CiroCatalog.RevertReasons[tx.RevertReason]);
        }
        else
        {
            w.WriteString("execution_status"u8, "SUCCEEDED"u8);
        }
        w.WriteString("finality_status"u8, finality);
        w.WriteStartArray("messages_sent"u8);
        w.WriteEndArray();
        w.WriteStartArray("events"u8);
        for (var e = tx.FirstEvent; e < tx.FirstEvent + tx.EventCount; e++)
        {
            w.WriteStartObject();
            EventMembers(w, b, b.Events[e]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("execution_resources"u8);
        if (_v07)
        {
            // v0.7: Cairo steps and builtin counters, L1 amounts under data_availability. Steps from L2 gas at
            // 100 gas per step (the rate starknet 0.13.4 fixed when it moved to Sierra gas); the builtin counts
            // are a plausible fraction of the steps, nothing reads them as truth.
            var steps = Math.Max(1, tx.L2Gas / 100);
            w.WriteNumber("steps"u8, steps);
            w.WriteNumber("pedersen_builtin_applications"u8, steps / 200);
            w.WriteNumber("range_check_builtin_applications"u8, steps / 25);
            w.WriteStartObject("data_availability"u8);
            w.WriteNumber("l1_gas"u8, tx.L1Gas);
            w.WriteNumber("l1_data_gas"u8, tx.L1DataGas);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNumber("l1_gas"u8, tx.L1Gas);
            w.WriteNumber("l2_gas"u8, tx.L2Gas);
            w.WriteNumber("l1_data_gas"u8, tx.L1DataGas);
        }
        w.WriteEndObject();
    }

    public void EventMembers(Utf8JsonWriter w, SimBlock b, in SimEvent e)
    {
        Code(w, "from_address"u8, e.From);
        Codes(w, "keys"u8, b.Keys(e));
        if (_undecodable.Contains(b.Number))
        {
            // Simulator:UndecodableBlocks: the real data, then an item no felt parser accepts.
            w.WriteStartArray("data"u8);
            foreach (var c in b.Data(e))
            {
                CodeValue(w, c);
            }
            w.WriteStringValue("0xnot-a-felt"u8);
            w.WriteEndArray();
            return;
        }
        Codes(w, "data"u8, b.Data(e));
    }

    /// <summary>EMITTED_EVENT: the pre-confirmed block's events carry a block number but no block hash.</summary>
    public void EmittedEvent(Utf8JsonWriter w, SimBlock b, in SimEvent e, bool pending, string? finality = null)
    {
        w.WriteStartObject();
        EventMembers(w, b, e);
        if (!pending)
        {
            Felt(w, "block_hash"u8, b.Hash);
        }
        w.WriteNumber("block_number"u8, b.Number);
        Felt(w, "transaction_hash"u8, b.Transactions[e.TxIndex].Hash);
        if (!_v07)
        {
            // v0.10 added the positions; v0.7 nodes did not send them.
            w.WriteNumber("transaction_index"u8, e.TxIndex);
            w.WriteNumber("event_index"u8, e.IndexInTx);
        }
        if (finality is not null)
        {
            w.WriteString("finality_status"u8, finality);
        }
        w.WriteEndObject();
    }
}
