using Ciro.Starknet;
using Ciro.Starknet.Rpc;

namespace Ciro.Indexer.Storage;

/// <summary>
/// The calls inside an INVOKE transaction's <c>__execute__</c> calldata. Ciro.Starknet's multicall decoder is not
/// there yet; until it lands this reads the two standard account layouts itself:
/// Cairo 1: <c>[n, to, selector, len, ...data, to, selector, len, ...]</c>;
/// Cairo 0: <c>[n, (to, selector, offset, len) × n, total, ...data]</c>.
/// INVOKE v0 names its one call in contract_address + entry_point_selector. Calldata that fits neither layout
/// yields no calls (the transaction row is still stored; the function is just unknown).
/// </summary>
public static class MulticallCalls
{
    /// <summary>An account multicall above this is treated as not a multicall (a garbled or custom layout).</summary>
    private const int MaxCalls = 1024;

    public static IReadOnlyList<ContractCall> Of(Transaction transaction)
    {
        if (transaction.Type != "INVOKE")
        {
            return [];
        }
        if (transaction.ContractAddress is { } contract && transaction.EntryPointSelector is { } selector)
        {
            return [new ContractCall(contract, selector)];
        }
        var data = transaction.Calldata;
        if (data.Count == 0 || !TryInt(data[0], out var n) || n == 0 || n > MaxCalls)
        {
            return [];
        }
        return TryCairo1(data, n) ?? TryCairo0(data, n) ?? [];
    }

    private static ContractCall[]? TryCairo1(IReadOnlyList<Felt> data, int n)
    {
        var calls = new ContractCall[n];
        var at = 1;
        for (var i = 0; i < n; i++)
        {
            if (at + 3 > data.Count || !TryInt(data[at + 2], out var len))
            {
                return null;
            }
            calls[i] = new ContractCall(data[at], data[at + 1]);
            at += 3 + len;
        }
        return at == data.Count ? calls : null;
    }

    private static ContractCall[]? TryCairo0(IReadOnlyList<Felt> data, int n)
    {
        var header = 1 + 4 * n;
        if (header >= data.Count || !TryInt(data[header], out var total) || header + 1 + total != data.Count)
        {
            return null;
        }
        var calls = new ContractCall[n];
        for (var i = 0; i < n; i++)
        {
            var at = 1 + 4 * i;
            if (!TryInt(data[at + 2], out var offset) || !TryInt(data[at + 3], out var len) || offset + len > total)
            {
                return null;
            }
            calls[i] = new ContractCall(data[at], data[at + 1]);
        }
        return calls;
    }

    private static bool TryInt(Felt felt, out int value)
    {
        value = felt.High == 0 && felt.Low <= int.MaxValue ? (int)felt.Low : -1;
        return value >= 0;
    }
}
