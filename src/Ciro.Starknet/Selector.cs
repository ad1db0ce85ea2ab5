using System.Collections.Concurrent;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;

namespace Ciro.Starknet;

/// <summary>sn_keccak: Keccak-256 (the original padding, not SHA3) of the ASCII name, keeping the low 250 bits.
/// Entry points and events are addressed by it (keys[0] of an event).</summary>
public static class Selector
{
    private static readonly ConcurrentDictionary<string, Felt> Cache = new(StringComparer.Ordinal);

    public static Felt FromName(string name) => Cache.GetOrAdd(name, Compute);

    private static Felt Compute(string name)
    {
        var input = Encoding.ASCII.GetBytes(name);
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(input, 0, input.Length);
        var hash = new byte[32];
        digest.DoFinal(hash, 0);
        hash[0] &= 0x03; // 256 - 250 = 6 high bits cleared
        return Felt.FromBytes(hash);
    }
}
