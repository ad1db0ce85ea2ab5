using Ciro.Starknet.Rpc;

namespace Ciro.Starknet.Abi;

/// <summary>Decodes events with one or more ABIs. Candidate layouts are found by keys[0]; ABIs bound to the
/// emitting address are tried before global ones. A layout fits only if its fields consume every key and data
/// felt exactly. If the declared layout does not fit, the legacy layout (everything in data: pre-Cairo-1 ERC20
/// Transfer) and then keys-first are tried, because one contract can emit both over its life. Nothing matched →
/// a raw <see cref="DecodedEvent"/>, never an exception. Thread-safe after construction.</summary>
public sealed class EventDecoder
{
    private readonly Dictionary<Felt, List<EventLayout>> _global = new();
    private readonly Dictionary<Felt, Dictionary<Felt, List<EventLayout>>> _byAddress = new();

    public EventDecoder(params ContractAbi[] abis)
        : this(abis, null)
    {
    }

    /// <param name="abis">Tried for events from any address.</param>
    /// <param name="abisByAddress">Tried first for events from that contract address.</param>
    public EventDecoder(IEnumerable<ContractAbi> abis, IReadOnlyDictionary<Felt, ContractAbi>? abisByAddress)
    {
        foreach (var abi in abis)
        {
            Index(abi, _global);
        }
        foreach (var (address, abi) in abisByAddress ?? new Dictionary<Felt, ContractAbi>())
        {
            if (!_byAddress.TryGetValue(address, out var table))
            {
                _byAddress[address] = table = new Dictionary<Felt, List<EventLayout>>();
            }
            Index(abi, table);
        }
    }

    private static void Index(ContractAbi abi, Dictionary<Felt, List<EventLayout>> table)
    {
        foreach (var layout in abi.EventLayouts)
        {
            var first = layout.SelectorPath[0];
            if (!table.TryGetValue(first, out var list))
            {
                table[first] = list = [];
            }
            list.Add(layout);
            // Longest selector path first: a nested component event must not be read as a shorter one.
            list.Sort((a, b) => b.SelectorPath.Count.CompareTo(a.SelectorPath.Count));
        }
    }

    public DecodedEvent Decode(Event ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var selector = ev.Keys.Count > 0 ? ev.Keys[0] : Felt.Zero;
        string? error = null;
        if (ev.Keys.Count > 0)
        {
            if (_byAddress.TryGetValue(ev.FromAddress, out var own) && TryTable(own, ev, ref error) is { } fromOwn)
            {
                return fromOwn;
            }
            if (TryTable(_global, ev, ref error) is { } fromGlobal)
            {
                return fromGlobal;
            }
        }
        return new DecodedEvent { Raw = ev, Selector = selector, Error = error };
    }

    private static DecodedEvent? TryTable(Dictionary<Felt, List<EventLayout>> table, Event ev, ref string? error)
    {
        if (!table.TryGetValue(ev.Keys[0], out var candidates))
        {
            return null;
        }
        foreach (var layout in candidates)
        {
            if (!StartsWith(ev.Keys, layout.SelectorPath))
            {
                continue;
            }
            foreach (var strategy in Strategies)
            {
                try
                {
                    var fields = EventFieldDecoder.Decode(layout, ev, strategy);
                    return new DecodedEvent
                    {
                        Name = layout.Name,
                        Selector = ev.Keys[0],
                        TypeName = layout.TypeName,
                        IsDecoded = true,
                        Layout = strategy.Name,
                        Fields = fields,
                        Raw = ev,
                    };
                }
                catch (AbiException ex)
                {
                    error ??= $"{layout.Name}: {ex.Message}";
                }
            }
        }
        return null;
    }

    private static readonly LayoutStrategy[] Strategies =
    [
        LayoutStrategy.Declared,
        LayoutStrategy.LegacyAllData,
        LayoutStrategy.KeysFirst,
    ];

    private static bool StartsWith(IReadOnlyList<Felt> keys, IReadOnlyList<Felt> prefix)
    {
        if (keys.Count < prefix.Count)
        {
            return false;
        }
        for (var i = 0; i < prefix.Count; i++)
        {
            if (keys[i] != prefix[i])
            {
                return false;
            }
        }
        return true;
    }
}
