using Ciro.Starknet.Rpc;
using Ciro.Starknet.Rpc.Json;

namespace Ciro.Starknet.Tests;

/// <summary>starknet_getClass: the Sierra and compiler versions read from the first six felts of sierra_program.</summary>
public sealed class ContractClassTests
{
    [Fact]
    public void Versions_come_from_the_first_six_felts_and_a_cairo0_class_has_none()
    {
        var sierra = System.Text.Json.JsonSerializer.Deserialize("""
            {"sierra_program": ["0x1", "0x6", "0x0", "0x2", "0x8", "0x2", "0x7a3b"], "contract_class_version": "0.1.0",
             "entry_points_by_type": {"CONSTRUCTOR": [], "EXTERNAL": [], "L1_HANDLER": []}, "abi": "[]"}
            """, StarknetJsonContext.Default.ContractClass)!;
        Assert.True(sierra.IsSierra);
        Assert.Equal("1.6.0", sierra.SierraVersion);
        Assert.Equal("2.8.2", sierra.CompilerVersion);
        Assert.Equal("0.1.0", sierra.ContractClassVersion);

        var cairo0 = System.Text.Json.JsonSerializer.Deserialize("""
            {"program": "H4sIAAAA", "entry_points_by_type": {"CONSTRUCTOR": [], "EXTERNAL": [], "L1_HANDLER": []}, "abi": []}
            """, StarknetJsonContext.Default.ContractClass)!;
        Assert.False(cairo0.IsSierra);
        Assert.Null(cairo0.SierraVersion);
        Assert.Null(cairo0.CompilerVersion);

        // A program that does not start with small version numbers (pre-1.0 Sierra) gives no version, not a wrong one.
        var early = new ContractClass { SierraProgram = [Felt.Parse("0x800000000000011000000000000000000000000000000000000000000000000"), Felt.One, Felt.Zero, Felt.One, Felt.One, Felt.One] };
        Assert.Null(early.SierraVersion);
        Assert.Equal("1.1.1", early.CompilerVersion);
    }
}
