using Ciro.Starknet;
using Ciro.Starknet.Abi;
using Ciro.Starknet.Rpc;

namespace Ciro.Indexer.Contracts;

/// <summary>
/// The contracts the indexer knows: which addresses are watched, and, from their ABIs, how to decode their
/// events (Ciro.Starknet's <see cref="EventDecoder"/>: flat and nested component events get their variant path
/// as name, e.g. "JobSubmitted" or "PerformanceEvent::JobSampled") and the names of their functions
/// (selector = sn_keccak(function name)). Events of unknown contracts are still tried against the standard
/// ERC20 ABI, because fee-token Transfers are in every block and the analytics read them.
/// </summary>
public sealed class ContractCatalog
{
    /// <summary>Watched address → the first block from which it is watched (its lowest <c>StartBlock</c>).</summary>
    private readonly Dictionary<Felt, ulong> _watched = [];
    private readonly Dictionary<Felt, ContractAbi> _abis = [];
    private readonly EventDecoder _decoder;

    public ContractCatalog(IEnumerable<(ContractOptions Contract, string BaseDirectory)> contracts)
    {
        foreach (var (contract, baseDirectory) in contracts)
        {
            var addresses = contract.Addresses.Select(Felt.Parse).ToList();
            foreach (var address in addresses)
            {
                _watched[address] = _watched.TryGetValue(address, out var from) ? Math.Min(from, contract.StartBlock) : contract.StartBlock;
            }
            if (contract.Abi is null)
            {
                continue;
            }
            var abiPath = Path.IsPathRooted(contract.Abi) ? contract.Abi : Path.Combine(baseDirectory, contract.Abi);
            if (!File.Exists(abiPath))
            {
                throw new FileNotFoundException($"ABI file of contract '{contract.Name}' not found: '{abiPath}'.", abiPath);
            }
            ContractAbi abi;
            try
            {
                abi = ContractAbi.Load(abiPath, contract.Name);
            }
            catch (Exception ex) when (ex is AbiException or System.Text.Json.JsonException)
            {
                throw new InvalidOperationException($"ABI file of contract '{contract.Name}' ('{abiPath}') is not a valid ABI: {ex.Message}", ex);
            }
            foreach (var address in addresses)
            {
                _abis[address] = abi;
            }
        }
        _decoder = new EventDecoder([StandardAbis.Erc20], _abis);
    }

    public bool HasContracts => _watched.Count > 0;

    /// <summary>True when <paramref name="address"/> is a watched contract and <paramref name="blockNumber"/> is at
    /// or after its <c>StartBlock</c> (before it, the contract's transactions and events are not kept).</summary>
    public bool IsWatched(Felt address, ulong blockNumber) => _watched.TryGetValue(address, out var from) && blockNumber >= from;

    /// <summary>Warnings of every loaded ABI (types it could not resolve), for the start-up log.</summary>
    public IEnumerable<string> Warnings => _abis.Values.Distinct().SelectMany(a => a.Warnings.Select(w => $"{a.Name}: {w}"));

    public DecodedEvent Decode(Event e) => _decoder.Decode(e);

    public AbiFunction? Function(Felt contract, Felt selector) =>
        _abis.TryGetValue(contract, out var abi) && abi.FunctionsBySelector.TryGetValue(selector, out var f) ? f : null;

    public string? FunctionName(Felt contract, Felt selector) => Function(contract, selector)?.Name;
}
