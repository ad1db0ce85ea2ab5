using Ciro.Starknet.Abi;
using Ciro.Starknet.Rpc;

namespace Ciro.Starknet.Tests.Abi;

internal static class AbiTestSupport
{
    public static Felt F(string hex) => Felt.Parse(hex);

    public static Felt Sel(string name) => Selector.FromName(name);

    public static Event Ev(IEnumerable<Felt> keys, IEnumerable<Felt> data, string from = "0x123") =>
        new() { FromAddress = Felt.Parse(from), Keys = keys.ToList(), Data = data.ToList() };

    public static ContractAbi SharedAbi(string file) => ContractAbi.Load(TestData.Path("starknet", "abi", file));

    public static ContractAbi RepoAbi(string file)
    {
        var path = Path.Combine(TestData.RepoRoot, "contracts", "abi", file);
        Assert.True(File.Exists(path), $"{path} is missing: the contracts ABI files are part of the repository");
        return ContractAbi.Load(path);
    }
}
