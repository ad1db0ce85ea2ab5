namespace Ciro.Contracts.Tests;

/// <summary>
/// The OpenZeppelin cairo-contracts v0.20.0 pieces our contracts embed. Their source is not in
/// this repo, so their ABI entries are checked against this pinned copy of the upstream layouts
/// (packages/access/src/accesscontrol, packages/introspection/src/src5.cairo,
/// packages/security/src/pausable.cairo). Upgrading OpenZeppelin means revisiting this file.
/// </summary>
public static class OpenZeppelin
{
    public const string AccessControl = "openzeppelin_access::accesscontrol::accesscontrol::AccessControlComponent";
    public const string Src5 = "openzeppelin_introspection::src5::SRC5Component";
    public const string Pausable = "openzeppelin_security::pausable::PausableComponent";
    public const string AccessControlAbi = "openzeppelin_access::accesscontrol::interface::AccessControlABI";
    public const string IPausable = "openzeppelin_security::interface::IPausable";

    private const string Felt = "core::felt252";
    private const string Address = "core::starknet::contract_address::ContractAddress";
    private const string Bool = "core::bool";

    public static readonly Dictionary<string, string> EmbeddableInterfaces = new(StringComparer.Ordinal)
    {
        [AccessControl + "::AccessControlMixinImpl"] = AccessControlAbi,
        [Pausable + "::PausableImpl"] = IPausable,
    };

    /// <summary>Component event enum -> its events (struct events first, then the enum), in compiler order.</summary>
    public static readonly Dictionary<string, IReadOnlyList<AbiEvent>> ComponentEvents = new(StringComparer.Ordinal)
    {
        [AccessControl + "::Event"] =
        [
            Struct(AccessControl + "::RoleGranted", ("role", Felt), ("account", Address), ("sender", Address)),
            Struct(AccessControl + "::RoleRevoked", ("role", Felt), ("account", Address), ("sender", Address)),
            Struct(AccessControl + "::RoleAdminChanged", ("role", Felt), ("previous_admin_role", Felt), ("new_admin_role", Felt)),
            Enum(AccessControl, "RoleGranted", "RoleRevoked", "RoleAdminChanged"),
        ],
        [Src5 + "::Event"] = [Enum(Src5)],
        [Pausable + "::Event"] =
        [
            Struct(Pausable + "::Paused", ("account", Address)),
            Struct(Pausable + "::Unpaused", ("account", Address)),
            Enum(Pausable, "Paused", "Unpaused"),
        ],
    };

    public static readonly Dictionary<string, IReadOnlyList<AbiFunction>> Interfaces = new(StringComparer.Ordinal)
    {
        [AccessControlAbi] =
        [
            View("has_role", [Bool], ("role", Felt), ("account", Address)),
            View("get_role_admin", [Felt], ("role", Felt)),
            External("grant_role", ("role", Felt), ("account", Address)),
            External("revoke_role", ("role", Felt), ("account", Address)),
            External("renounce_role", ("role", Felt), ("account", Address)),
            View("hasRole", [Bool], ("role", Felt), ("account", Address)),
            View("getRoleAdmin", [Felt], ("role", Felt)),
            External("grantRole", ("role", Felt), ("account", Address)),
            External("revokeRole", ("role", Felt), ("account", Address)),
            External("renounceRole", ("role", Felt), ("account", Address)),
            View("supports_interface", [Bool], ("interface_id", Felt)),
        ],
        [IPausable] = [View("is_paused", [Bool])],
    };

    // None of these OpenZeppelin events uses #[key]: every member is data.
    private static AbiEvent Struct(string name, params (string Name, string Type)[] members) =>
        new(name, "struct", members.Select(m => new AbiField(m.Name, m.Type, "data")).ToList());

    private static AbiEvent Enum(string component, params string[] variants) =>
        new(component + "::Event", "enum", variants.Select(v => new AbiField(v, $"{component}::{v}", "nested")).ToList());

    private static AbiFunction View(string name, string[] outputs, params (string, string)[] inputs) => new(name, inputs, outputs, "view");

    private static AbiFunction External(string name, params (string, string)[] inputs) => new(name, inputs, [], "external");
}
