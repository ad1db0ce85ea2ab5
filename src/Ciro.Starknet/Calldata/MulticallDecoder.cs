using Ciro.Starknet.Rpc;

namespace Ciro.Starknet.Calldata;

/// <summary>One call inside an account's __execute__ multicall.</summary>
public sealed record ContractCall(Felt To, Felt Selector, IReadOnlyList<Felt> Calldata);

public enum MulticallLayout
{
    /// <summary>Cairo 1 accounts: [n, (to, selector, len, …calldata) × n].</summary>
    Cairo1,

    /// <summary>Cairo 0 accounts: [n, (to, selector, data_offset, data_len) × n, total_len, …all calldata].</summary>
    Cairo0,
}

/// <summary>Splits an INVOKE v1/v3 transaction's calldata (the arguments of the account's __execute__) into the
/// calls it makes, so gas can be attributed to the function called. A transaction's fee belongs to the whole
/// multicall: attributing it to one call is exact only when there is exactly one.</summary>
public static class MulticallDecoder
{
    /// <summary>Calls of any transaction: INVOKE v0 and L1_HANDLER name their target directly; INVOKE v1/v3 go
    /// through __execute__. Returns false (and no calls) for other types or calldata that fits neither layout.</summary>
    public static bool TryDecode(Transaction transaction, out IReadOnlyList<ContractCall> calls)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        calls = [];
        if (transaction.Type is "INVOKE" or "L1_HANDLER" && transaction.ContractAddress is { } target
            && transaction.EntryPointSelector is { } selector && transaction.SenderAddress is null)
        {
            calls = [new ContractCall(target, selector, transaction.Calldata)];
            return true;
        }
        // v3 transactions come only from Cairo 1 accounts; v1 may come from either.
        var only = transaction.VersionNumber == 3 ? MulticallLayout.Cairo1 : (MulticallLayout?)null;
        return transaction.Type == "INVOKE" && TryDecode(transaction.Calldata, out calls, out _, only);
    }

    /// <summary>Tries the Cairo 1 layout, then Cairo 0 (or only <paramref name="only"/>); each must account for
    /// every felt exactly. Some felt sequences fit both layouts; Cairo 1 wins then, as Cairo 0 accounts are
    /// all but gone. Pass <paramref name="only"/> when the account's class is known.</summary>
    public static bool TryDecode(
        IReadOnlyList<Felt> calldata, out IReadOnlyList<ContractCall> calls, out MulticallLayout layout, MulticallLayout? only = null)
    {
        ArgumentNullException.ThrowIfNull(calldata);
        if (only is null or MulticallLayout.Cairo1 && TryCairo1(calldata) is { } cairo1)
        {
            (calls, layout) = (cairo1, MulticallLayout.Cairo1);
            return true;
        }
        if (only is null or MulticallLayout.Cairo0 && TryCairo0(calldata) is { } cairo0)
        {
            (calls, layout) = (cairo0, MulticallLayout.Cairo0);
            return true;
        }
        (calls, layout) = ([], default);
        return false;
    }

    public static IReadOnlyList<ContractCall> Decode(IReadOnlyList<Felt> calldata) =>
        TryDecode(calldata, out var calls, out _)
            ? calls
            : throw new FormatException($"calldata of {calldata.Count} felts is not a Cairo 1 or Cairo 0 multicall");

    private static List<ContractCall>? TryCairo1(IReadOnlyList<Felt> calldata)
    {
        if (!TryCount(calldata, 0, out var count) || count > (calldata.Count - 1) / 3)
        {
            return null;
        }
        var calls = new List<ContractCall>(count);
        var position = 1;
        for (var i = 0; i < count; i++)
        {
            if ((long)position + 3 > calldata.Count || !TryCount(calldata, position + 2, out var length)
                || length > calldata.Count - position - 3)
            {
                return null;
            }
            calls.Add(new ContractCall(calldata[position], calldata[position + 1], Slice(calldata, position + 3, length)));
            position += 3 + length;
        }
        return position == calldata.Count ? calls : null;
    }

    private static List<ContractCall>? TryCairo0(IReadOnlyList<Felt> calldata)
    {
        if (!TryCount(calldata, 0, out var count) || count > (calldata.Count - 2) / 4)
        {
            return null;
        }
        // Every count is at most int.MaxValue, so sums are taken in long: hostile calldata can make an int sum
        // wrap negative, pass a bounds check and ask Slice for ~2^31 felts.
        var dataStart = 1 + 4 * count + 1;
        if (!TryCount(calldata, dataStart - 1, out var total) || (long)dataStart + total != calldata.Count)
        {
            return null;
        }
        var calls = new List<ContractCall>(count);
        var expectedOffset = 0;
        for (var i = 0; i < count; i++)
        {
            var entry = 1 + 4 * i;
            // Offsets must tile the data in order: anything else is not what a Cairo 0 account writes.
            if (!TryCount(calldata, entry + 2, out var offset) || offset != expectedOffset
                || !TryCount(calldata, entry + 3, out var length) || (long)offset + length > total)
            {
                return null;
            }
            calls.Add(new ContractCall(calldata[entry], calldata[entry + 1], Slice(calldata, dataStart + offset, length)));
            expectedOffset += length;
        }
        return expectedOffset == total ? calls : null;
    }

    public static IReadOnlyList<Felt> EncodeCairo1(IReadOnlyList<ContractCall> calls)
    {
        var felts = new List<Felt> { (ulong)calls.Count };
        foreach (var call in calls)
        {
            felts.Add(call.To);
            felts.Add(call.Selector);
            felts.Add((ulong)call.Calldata.Count);
            felts.AddRange(call.Calldata);
        }
        return felts;
    }

    public static IReadOnlyList<Felt> EncodeCairo0(IReadOnlyList<ContractCall> calls)
    {
        var felts = new List<Felt> { (ulong)calls.Count };
        var offset = 0UL;
        foreach (var call in calls)
        {
            felts.Add(call.To);
            felts.Add(call.Selector);
            felts.Add(offset);
            felts.Add((ulong)call.Calldata.Count);
            offset += (ulong)call.Calldata.Count;
        }
        felts.Add(offset);
        foreach (var call in calls)
        {
            felts.AddRange(call.Calldata);
        }
        return felts;
    }

    private static bool TryCount(IReadOnlyList<Felt> felts, int index, out int value)
    {
        value = 0;
        if (index >= felts.Count || felts[index].High != 0 || felts[index].Low > (UInt128)int.MaxValue)
        {
            return false;
        }
        value = (int)felts[index].Low;
        return true;
    }

    private static Felt[] Slice(IReadOnlyList<Felt> felts, int start, int length)
    {
        var slice = new Felt[length];
        for (var i = 0; i < length; i++)
        {
            slice[i] = felts[start + i];
        }
        return slice;
    }
}
