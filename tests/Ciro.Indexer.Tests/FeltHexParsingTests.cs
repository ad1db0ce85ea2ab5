using System.Globalization;
using System.Numerics;
using System.Text;
using Ciro.Starknet;

namespace Ciro.Indexer.Tests;

/// <summary>The indexer's hottest parse is Ciro.Starknet's hex felt parser (millions of felts per backfill). Its
/// table-driven form must accept exactly what the runtime's hex parser accepted: every length, case and leading
/// zero, nothing that is not hex, nothing at or above the prime; from UTF-8 (JSON) and from strings alike.</summary>
public sealed class FeltHexParsingTests
{
    [Fact]
    public void Random_hex_of_every_length_parses_to_its_value_from_utf8_and_strings()
    {
        var random = new Random(20261127);
        for (var i = 0; i < 20_000; i++)
        {
            var length = 1 + i % 64;
            var chars = new char[length];
            for (var c = 0; c < length; c++)
            {
                var digit = "0123456789abcdefABCDEF"[random.Next(22)];
                chars[c] = c == 0 && length == 64 ? "01234567"[random.Next(8)] : digit; // 64 digits: stay near the prime
            }
            var hex = new string(chars);
            var value = BigInteger.Parse("0" + hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            var below = value < Felt.Prime;
            foreach (var text in new[] { "0x" + hex, "0X" + hex, "0x000" + hex })
            {
                Assert.Equal(below, Felt.TryParse(text, out _)); // leading zeros never count against the 64 digits
                if (Felt.TryParse(text, out var fromString))
                {
                    Assert.Equal(value, fromString.ToBigInteger());
                }
                if (Felt.TryParseUtf8(Encoding.ASCII.GetBytes(text), out var fromUtf8))
                {
                    Assert.Equal(value, fromUtf8.ToBigInteger());
                }
                Assert.Equal(Felt.TryParse(text, out _), Felt.TryParseUtf8(Encoding.ASCII.GetBytes(text), out _));
            }
        }
    }

    [Theory]
    [InlineData("0x0", "0")]
    [InlineData("0x", null)]
    [InlineData("0xg", null)]
    [InlineData("0x1g", null)]
    [InlineData("0x-1", null)]
    [InlineData("0x+1", null)]
    [InlineData("0x 1", null)]
    [InlineData("0x1 2", null)]
    [InlineData("0x/", null)]
    [InlineData("0x:", null)]
    [InlineData("0x@", null)]
    [InlineData("0xG", null)]
    [InlineData("0x`", null)]
    [InlineData("0xé", null)]
    [InlineData("0x800000000000011000000000000000000000000000000000000000000000001", null)] // P
    [InlineData("0x800000000000011000000000000000000000000000000000000000000000000", "3618502788666131213697322783095070105623107215331596699973092056135872020480")] // P - 1
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000000abc", "2748")] // leading zeros beyond 64
    [InlineData("0x10000000000000000000000000000000000000000000000000000000000000000", null)] // 65 digits
    [InlineData("0xFFFFFFFFFFFFFFFF", "18446744073709551615")]
    [InlineData("0x10000000000000000", "18446744073709551616")]
    [InlineData("0xffffffffffffffffffffffffffffffff", "340282366920938463463374607431768211455")]
    [InlineData("0x100000000000000000000000000000000", "340282366920938463463374607431768211456")]
    public void Edge_cases_parse_or_fail_like_before(string text, string? expected)
    {
        var parsed = Felt.TryParse(text, out var fromString);
        var parsedUtf8 = Felt.TryParseUtf8(Encoding.UTF8.GetBytes(text), out var fromUtf8);
        Assert.Equal(expected is not null, parsed);
        Assert.Equal(expected is not null, parsedUtf8);
        if (expected is not null)
        {
            Assert.Equal(BigInteger.Parse(expected, CultureInfo.InvariantCulture), fromString.ToBigInteger());
            Assert.Equal(fromString, fromUtf8);
        }
    }
}
