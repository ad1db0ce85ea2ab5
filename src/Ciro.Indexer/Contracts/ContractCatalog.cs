using System.Text.Json;
using Ciro.Starknet;
using Ciro.Starknet.Rpc;

namespace Ciro.Indexer.Contracts;

/// <summary>
/// The contracts the indexer knows: which addresses are watched, and, from their ABIs, the names of their
/// events (keys[0] = sn_keccak(variant name)) and functions (selector = sn_keccak(function name)).
/// </summary>
public sealed class ContractCatalog
{
    private readonly HashSet<Felt> _watched = [];
    private readonly Dictionary<(Felt Contract, Felt Selector), string> _eventNames = [];
    private readonly Dictionary<(Felt Contract, Felt Selector), string> _functionNames = [];

    public ContractCatalog(IEnumerable<(ContractOptions Contract, string BaseDirectory)> contracts)
    {
        foreach (var (contract, baseDirectory) in contracts)
        {
            var addresses = contract.Addresses.Select(Felt.Parse).ToList();
            _watched.UnionWith(addresses);
            if (contract.Abi is null)
            {
                continue;
            }
            var abiPath = Path.IsPathRooted(contract.Abi) ? contract.Abi : Path.Combine(baseDirectory, contract.Abi);
            if (!File.Exists(abiPath))
            {
                throw new FileNotFoundException($"ABI file of contract '{contract.Name}' not found: '{abiPath}'.", abiPath);
            }
            var (events, functions) = ReadAbi(abiPath);
            foreach (var address in addresses)
            {
                foreach (var name in events)
                {
                    _eventNames[(address, Selector.FromName(name))] = name;
                }
                foreach (var name in functions)
                {
                    _functionNames[(address, Selector.FromName(name))] = name;
                }
            }
        }
    }

    public bool HasContracts => _watched.Count > 0;

    public bool IsWatched(Felt address) => _watched.Contains(address);

    public string? EventName(Event e) =>
        e.Keys.Count > 0 && _eventNames.TryGetValue((e.FromAddress, e.Keys[0]), out var name) ? name : null;

    public string? FunctionName(Felt contract, Felt selector) =>
        _functionNames.TryGetValue((contract, selector), out var name) ? name : null;

    /// <summary>Event variant names (last path segment of each struct event) and external function names.</summary>
    private static (List<string> Events, List<string> Functions) ReadAbi(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var events = new List<string>();
        var functions = new List<string>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var type = item.GetProperty("type").GetString();
            if (type == "event" && item.TryGetProperty("kind", out var kind) && kind.GetString() == "struct")
            {
                var fullName = item.GetProperty("name").GetString()!;
                events.Add(fullName[(fullName.LastIndexOf(':') + 1)..]);
            }
            else if (type == "interface" && item.TryGetProperty("items", out var items))
            {
                functions.AddRange(items.EnumerateArray()
                    .Where(f => f.GetProperty("type").GetString() == "function")
                    .Select(f => f.GetProperty("name").GetString()!));
            }
            else if (type is "function" or "l1_handler")
            {
                functions.Add(item.GetProperty("name").GetString()!);
            }
        }
        return (events, functions);
    }
}
