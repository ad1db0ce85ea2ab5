namespace Ciro.Starknet.Abi;

/// <summary>ABIs of standard interfaces, for contracts whose own ABI is not loaded (the STRK/ETH fee tokens).</summary>
public static class StandardAbis
{
    /// <summary>ERC20 Transfer and Approval as OpenZeppelin's Cairo 1 component declares them (from/to and
    /// owner/spender as keys). Legacy tokens put every field in data; <see cref="EventDecoder"/> accepts both.</summary>
    public static ContractAbi Erc20 { get; } = ContractAbi.Parse(Erc20Json, "ERC20");

    private const string Erc20Json = """
    [
      {"type": "struct", "name": "core::integer::u256", "members": [
        {"name": "low", "type": "core::integer::u128"}, {"name": "high", "type": "core::integer::u128"}]},
      {"type": "event", "name": "openzeppelin_token::erc20::erc20::ERC20Component::Transfer", "kind": "struct", "members": [
        {"name": "from", "type": "core::starknet::contract_address::ContractAddress", "kind": "key"},
        {"name": "to", "type": "core::starknet::contract_address::ContractAddress", "kind": "key"},
        {"name": "value", "type": "core::integer::u256", "kind": "data"}]},
      {"type": "event", "name": "openzeppelin_token::erc20::erc20::ERC20Component::Approval", "kind": "struct", "members": [
        {"name": "owner", "type": "core::starknet::contract_address::ContractAddress", "kind": "key"},
        {"name": "spender", "type": "core::starknet::contract_address::ContractAddress", "kind": "key"},
        {"name": "value", "type": "core::integer::u256", "kind": "data"}]},
      {"type": "event", "name": "openzeppelin_token::erc20::erc20::ERC20Component::Event", "kind": "enum", "variants": [
        {"name": "Transfer", "type": "openzeppelin_token::erc20::erc20::ERC20Component::Transfer", "kind": "nested"},
        {"name": "Approval", "type": "openzeppelin_token::erc20::erc20::ERC20Component::Approval", "kind": "nested"}]},
      {"type": "event", "name": "erc20::Token::Event", "kind": "enum", "variants": [
        {"name": "ERC20Event", "type": "openzeppelin_token::erc20::erc20::ERC20Component::Event", "kind": "flat"}]}
    ]
    """;
}
