namespace Ciro.ChainSimulator.Generation;

/// <summary>
/// How a call into a class compiled to Sierra 1.6.0 or older is billed: by Cairo VM resources (steps and builtins)
/// rather than Sierra gas (shared/notes/starknet-gas.md). A step costs 100 L2 gas either way; a range check costs
/// 0.04 L1 gas = 1,600 L2 gas as a VM resource but 70 as Sierra gas, a Pedersen hash 0.08 L1 gas = 3,200 against
/// 4,050. The simulator's calls use one mix, the one its v0.7 receipts report: a range check every 25 steps and a
/// Pedersen hash every 200, so a VM-billed call pays 180 L2 gas per step and the same execution costs 123.05 as
/// Sierra gas.
/// </summary>
public static class VmBilling
{
    public const double VmGasPerStep = 100 + 1_600.0 / 25 + 3_200.0 / 200;
    public const double SierraGasPerStep = 100 + 70.0 / 25 + 4_050.0 / 200;

    /// <summary>Sierra versions up to 1.6.0 are billed by VM resources.</summary>
    public static bool IsVmBilled(string sierraVersion) =>
        Version.TryParse(sierraVersion, out var v) && v <= new Version(1, 6, 0);

    /// <summary>What Sierra gas would charge for the execution a VM-billed call paid <paramref name="vmBilledGas"/> for.</summary>
    public static ulong SierraGas(ulong vmBilledGas) => (ulong)Math.Round(vmBilledGas / VmGasPerStep * SierraGasPerStep);
}
