namespace Ciro.Starknet.Abi;

/// <summary>A cursor over a felt list (an event's keys or data, or calldata).</summary>
public sealed class FeltReader(IReadOnlyList<Felt> felts, int offset = 0)
{
    public IReadOnlyList<Felt> Felts { get; } = felts;
    public int Position { get; set; } = offset;
    public int Remaining => Felts.Count - Position;
    public bool AtEnd => Position >= Felts.Count;

    public Felt Next() => Position < Felts.Count
        ? Felts[Position++]
        : throw new AbiException($"needed a felt at position {Position} but there are only {Felts.Count}");
}
