namespace Ciro.Starknet.Rpc;

/// <summary>
/// starknet_getClass, the parts Ciro reads. A Sierra class (CONTRACT_CLASS) has <see cref="SierraProgram"/>, whose
/// first six felts are the Sierra version and the compiler version (major, minor, patch each), and
/// <see cref="ContractClassVersion"/> ("0.1.0"); a Cairo 0 class (DEPRECATED_CONTRACT_CLASS) has neither.
/// </summary>
public sealed record ContractClass
{
    public IReadOnlyList<Felt>? SierraProgram { get; init; }
    public string? ContractClassVersion { get; init; }

    public bool IsSierra => SierraProgram is not null;

    /// <summary>"1.6.0", or null for a Cairo 0 class or a program too short to carry it.</summary>
    public string? SierraVersion => VersionAt(0);

    /// <summary>The Cairo compiler that produced the class, e.g. "2.8.2".</summary>
    public string? CompilerVersion => VersionAt(3);

    private string? VersionAt(int offset)
    {
        if (SierraProgram is not { Count: >= 6 } program)
        {
            return null;
        }
        var parts = new ulong[3];
        for (var i = 0; i < 3; i++)
        {
            var felt = program[offset + i];
            if (felt.High != 0 || felt.Low > 10_000)
            {
                return null; // an old program that starts with code, not a version
            }
            parts[i] = (ulong)felt.Low;
        }
        return $"{parts[0]}.{parts[1]}.{parts[2]}";
    }
}
