using Ciro.ChainSimulator.Chain;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Generation;

/// <summary>
/// A Sierra class a simulated contract runs: its hash, the Sierra and compiler versions its program starts with,
/// and what it changes about gas (an upgrade that makes one function cheaper or dearer by <see cref="GasFactor"/>;
/// 1 changes nothing). The truth a before/after analysis is checked against.
/// </summary>
public sealed record SimClass(Felt Hash, TargetContract Contract, CiroFunction? Function, double GasFactor, string SierraVersion, string CompilerVersion)
{
    public double FactorFor(CiroFunction function) => Function == function ? GasFactor : 1;

    /// <summary>The first six felts of its sierra_program: Sierra version, then compiler version (major, minor, patch).</summary>
    public ulong[] VersionFelts => [.. SierraVersion.Split('.').Select(ulong.Parse), .. CompilerVersion.Split('.').Select(ulong.Parse)];
}

/// <summary>A contract deployed with, or replaced to (replace_class), a class in a block: the state diff's
/// deployed_contracts and replaced_classes.</summary>
public readonly record struct ClassChange(Felt Contract, SimClass Class, bool Replaced);

public static class ContractClasses
{
    /// <summary>The classes the contracts are deployed with at genesis: compiled by Cairo 2.8.2 to Sierra 1.6.0 (a
    /// class billed by Cairo VM resources, see shared/notes/starknet-gas.md).</summary>
    public static SimClass Initial(TargetContract contract, ulong seed) =>
        new(FeltHash.Of(seed, 0xC1A55, (ulong)contract, 0), contract, null, 1, "1.6.0", "2.8.2");

    /// <summary>The ab-split scenario's variant B: JobManager recompiled with Cairo 2.12.0 (Sierra 1.7.0) whose
    /// <paramref name="function"/> costs ×<paramref name="gasFactor"/> L2 gas; the same parameters give the same hash.</summary>
    public static SimClass Variant(CiroFunction function, double gasFactor, ulong seed) =>
        new(FeltHash.Of([seed, 0xC1A55, (ulong)TargetContract.JobManagerB, 2, (ulong)function, BitConverter.DoubleToUInt64Bits(gasFactor)]),
            TargetContract.JobManagerB, function, gasFactor, "1.7.0", "2.12.0");

    /// <summary>An upgrade's class: recompiled with Cairo 2.12.0 (Sierra 1.7.0); the same parameters give the same hash.</summary>
    public static SimClass Upgrade(TargetContract contract, CiroFunction? function, double gasFactor, ulong seed) =>
        new(FeltHash.Of([seed, 0xC1A55, (ulong)contract, 1, function is { } f ? (ulong)f : 255, BitConverter.DoubleToUInt64Bits(gasFactor)]),
            contract, function, gasFactor, "1.7.0", "2.12.0");
}
