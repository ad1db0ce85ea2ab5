using System.Text.Json;
using Ciro.ChainSimulator.Chain;
using Ciro.ChainSimulator.Generation;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Rpc;

/// <summary>
/// starknet_getStateUpdate, starknet_getClassHashAt and starknet_getClass over the simulated chain. The state
/// diff carries what the chain models: contracts deployed at genesis and classes replaced by the upgrade scenario,
/// and the senders' nonces; storage is not modelled (storage_diffs is empty), nor are declarations.
/// </summary>
public static class StateJson
{
    public static void StateUpdate(Utf8JsonWriter w, ChainJsonWriter json, FeltTable felts, SimBlock block, bool pending, ChainView view,
        HashSet<Felt>? addresses)
    {
        w.WriteStartObject();
        if (!pending)
        {
            json.Felt(w, "block_hash"u8, block.Hash);
            json.Felt(w, "new_root"u8, block.NewRoot);
        }
        json.Felt(w, "old_root"u8, view.ByNumber(block.Number - 1)?.NewRoot ?? Felt.Zero);
        w.WritePropertyName("state_diff"u8);
        w.WriteStartObject();
        w.WriteStartArray("storage_diffs"u8);
        w.WriteEndArray();
        w.WritePropertyName("nonces"u8);
        w.WriteStartArray();
        var nonces = new Dictionary<ulong, ulong>();
        foreach (var tx in block.Transactions)
        {
            nonces[tx.Sender] = tx.Nonce + 1;
        }
        foreach (var (sender, nonce) in nonces)
        {
            var address = felts.Decode(sender);
            if (addresses is null || addresses.Contains(address))
            {
                w.WriteStartObject();
                json.Felt(w, "contract_address"u8, address);
                json.Felt(w, "nonce"u8, new Felt(0, nonce));
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        ClassChanges(w, json, "deployed_contracts"u8, "address"u8, block, replaced: false, addresses);
        w.WriteStartArray("deprecated_declared_classes"u8);
        w.WriteEndArray();
        w.WriteStartArray("declared_classes"u8);
        w.WriteEndArray();
        ClassChanges(w, json, "replaced_classes"u8, "contract_address"u8, block, replaced: true, addresses);
        w.WriteStartArray("migrated_compiled_classes"u8);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void ClassChanges(Utf8JsonWriter w, ChainJsonWriter json, ReadOnlySpan<byte> name, ReadOnlySpan<byte> addressName,
        SimBlock block, bool replaced, HashSet<Felt>? addresses)
    {
        w.WriteStartArray(name);
        foreach (var change in block.ClassChanges)
        {
            if (change.Replaced == replaced && (addresses is null || addresses.Contains(change.Contract)))
            {
                w.WriteStartObject();
                json.Felt(w, addressName, change.Contract);
                json.Felt(w, "class_hash"u8, change.Class.Hash);
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
    }

    /// <summary>The optional contract_addresses parameter: null (everything) when absent or not a list of felts.</summary>
    public static HashSet<Felt>? AddressFilter(JsonElement? value)
    {
        if (value is not { ValueKind: JsonValueKind.Array } list)
        {
            return null;
        }
        var set = new HashSet<Felt>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && Felt.TryParse(item.GetString(), out var felt))
            {
                set.Add(felt);
            }
        }
        return set;
    }

    /// <summary>The class the contract runs at the end of <paramref name="block"/>: its last deployment or replacement
    /// at or before it (class changes are rare, so a backwards scan is cheap).</summary>
    public static SimClass? ClassAt(Felt address, SimBlock block, ChainView view)
    {
        for (var b = block; b is not null; b = view.ByNumber(b.Number - 1))
        {
            for (var i = b.ClassChanges.Length - 1; i >= 0; i--)
            {
                if (b.ClassChanges[i].Contract == address)
                {
                    return b.ClassChanges[i].Class;
                }
            }
        }
        return null;
    }

    /// <summary>The class with this hash, if some contract was deployed with or upgraded to it by <paramref name="block"/>.</summary>
    public static SimClass? Declared(Felt hash, SimBlock block, ChainView view)
    {
        for (var b = block; b is not null; b = view.ByNumber(b.Number - 1))
        {
            foreach (var change in b.ClassChanges)
            {
                if (change.Class.Hash == hash)
                {
                    return change.Class;
                }
            }
        }
        return null;
    }

    /// <summary>CONTRACT_CLASS: a stand-in Sierra program that starts, as real ones do, with the Sierra and compiler
    /// versions (major, minor, patch each), then a few felts of the hash; one external entry point per function of
    /// the contract; an empty ABI.</summary>
    public static void Class(Utf8JsonWriter w, SimClass c)
    {
        w.WriteStartObject();
        w.WriteStartArray("sierra_program"u8);
        foreach (var v in c.VersionFelts)
        {
            ChainJsonWriter.FeltValue(w, new Felt(0, v));
        }
        ChainJsonWriter.FeltValue(w, c.Hash);
        w.WriteEndArray();
        w.WriteString("contract_class_version"u8, "0.1.0");
        w.WritePropertyName("entry_points_by_type"u8);
        w.WriteStartObject();
        w.WriteStartArray("CONSTRUCTOR"u8);
        w.WriteEndArray();
        w.WriteStartArray("EXTERNAL"u8);
        var index = 0;
        foreach (var f in CiroCatalog.Functions.Where(f => f.Contract == (c.Contract == TargetContract.JobManagerB ? TargetContract.JobManager : c.Contract)).OrderBy(f => f.Selector.ToBigInteger()))
        {
            w.WriteStartObject();
            ChainJsonWriterFelt(w, "selector"u8, f.Selector);
            w.WriteNumber("function_idx"u8, index++);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("L1_HANDLER"u8);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteString("abi"u8, "[]");
        w.WriteEndObject();
    }

    private static void ChainJsonWriterFelt(Utf8JsonWriter w, ReadOnlySpan<byte> name, Felt value)
    {
        w.WritePropertyName(name);
        ChainJsonWriter.FeltValue(w, value);
    }
}
