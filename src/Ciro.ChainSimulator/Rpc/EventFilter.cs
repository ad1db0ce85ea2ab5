using System.Text.Json;
using Ciro.ChainSimulator.Chain;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Rpc;

/// <summary>
/// The address and keys part of an events filter (starknet_getEvents and starknet_subscribeEvents): one address
/// or a list; keys[i] lists the values allowed at position i, an empty list allows anything (even no key there).
/// </summary>
public sealed record EventFilter(Felt[]? Addresses, Felt[]?[] Keys)
{
    public static bool TryParse(JsonElement? address, JsonElement? keys, int maxKeyPositions, out EventFilter filter, out RpcError? error)
    {
        filter = null!;
        Felt[]? addresses = null;
        if (address is { } a && a.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            var list = a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().ToList() : [a];
            addresses = new Felt[list.Count];
            for (var i = 0; i < list.Count; i++)
            {
                if (!BlockIds.TryParseFelt(list[i], "address", out addresses[i], out error))
                {
                    return false;
                }
            }
            if (addresses.Length == 0)
            {
                addresses = null; // an empty list restricts nothing
            }
        }
        var positions = Array.Empty<Felt[]?>();
        if (keys is { } k && k.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            if (k.ValueKind != JsonValueKind.Array)
            {
                error = RpcError.InvalidParams("keys must be an array of arrays of felts");
                return false;
            }
            if (k.GetArrayLength() > maxKeyPositions)
            {
                error = RpcError.TooManyKeysInFilter.WithData($"{k.GetArrayLength()} key positions, at most {maxKeyPositions}");
                return false;
            }
            positions = new Felt[]?[k.GetArrayLength()];
            var p = 0;
            foreach (var position in k.EnumerateArray())
            {
                if (position.ValueKind != JsonValueKind.Array)
                {
                    error = RpcError.InvalidParams($"keys[{p}] must be an array of felts");
                    return false;
                }
                var values = new List<Felt>();
                foreach (var value in position.EnumerateArray())
                {
                    if (!BlockIds.TryParseFelt(value, $"keys[{p}]", out var felt, out error))
                    {
                        return false;
                    }
                    values.Add(felt);
                }
                positions[p++] = values.Count == 0 ? null : values.ToArray();
            }
        }
        error = null;
        filter = new EventFilter(addresses, positions);
        return true;
    }

    /// <summary>Normalised text of the filter: equal filters, however spelled, give equal text.</summary>
    public string Canonical() =>
        string.Join(",", Addresses?.Select(a => a.ToString()) ?? ["*"]) + "|" +
        string.Join("|", Keys.Select(k => k is null ? "*" : string.Join(",", k.Select(f => f.ToString()))));

    /// <summary>Filter values as felt codes. A one-off query only looks codes up (an unknown felt matches nothing);
    /// a long-lived subscription interns them so values that appear later still match.</summary>
    public EventMatcher Compile(FeltTable felts, bool intern)
    {
        ulong[] Codes(Felt[] values)
        {
            var codes = new List<ulong>(values.Length);
            foreach (var v in values)
            {
                if (intern)
                {
                    codes.Add(felts.Encode(v));
                }
                else if (felts.TryGetCode(v, out var code))
                {
                    codes.Add(code);
                }
            }
            return codes.ToArray();
        }
        return new EventMatcher(Addresses is null ? null : Codes(Addresses), Keys.Select(k => k is null ? null : Codes(k)).ToArray());
    }
}

/// <summary>A compiled filter: null means any; an empty array means nothing can match.</summary>
public sealed class EventMatcher(ulong[]? addresses, ulong[]?[] keys)
{
    public bool Matches(SimBlock block, in SimEvent e)
    {
        if (addresses is not null && Array.IndexOf(addresses, e.From) < 0)
        {
            return false;
        }
        var eventKeys = block.Keys(e);
        for (var p = 0; p < keys.Length; p++)
        {
            if (keys[p] is not { } allowed)
            {
                continue;
            }
            if (p >= eventKeys.Length || Array.IndexOf(allowed, eventKeys[p]) < 0)
            {
                return false;
            }
        }
        return true;
    }
}
