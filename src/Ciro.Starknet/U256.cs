using System.Globalization;
using System.Numerics;

namespace Ciro.Starknet;

/// <summary>Cairo's u256: serialised as two felts, [low128, high128]. Amounts exceed a double's precision,
/// so APIs carry them as decimal strings (<see cref="ToString"/>).</summary>
public readonly record struct U256(UInt128 Low, UInt128 High)
{
    public static U256 FromFelts(Felt low, Felt high) => new(low.ToUInt128(), high.ToUInt128());

    public static U256 FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0 || value >= BigInteger.One << 256)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "u256 must be in [0, 2^256)");
        }
        return new U256((UInt128)(value & ((BigInteger.One << 128) - 1)), (UInt128)(value >> 128));
    }

    public BigInteger ToBigInteger() => ((BigInteger)High << 128) | (BigInteger)Low;

    public (Felt Low, Felt High) ToFelts() => (new Felt(0, Low), new Felt(0, High));

    public override string ToString() => ToBigInteger().ToString(CultureInfo.InvariantCulture);
}
