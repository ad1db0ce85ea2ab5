using System.Text;
using System.Text.Json;
using Ciro.Starknet.Rpc;
using Ciro.Starknet.Rpc.Json;
using Ciro.Starknet.Rpc.Subscriptions;

namespace Ciro.Starknet.Tests;

/// <summary>Every file under tests/TestData/starknet/rpc parses into its model, with values spot-checked. A new file that
/// nobody mapped here fails <see cref="Every_recorded_file_is_covered"/>.</summary>
public sealed class RecordedResponsesTests
{
    private static readonly Dictionary<string, Action<byte[]>> Checks = new()
    {
        ["sepolia/getBlockWithReceipts_3100000.json"] = BlockWithReceipts3100000,
        ["sepolia/getBlockWithReceipts_pre_confirmed_4383371.json"] = PreConfirmedWithReceipts,
        ["sepolia/getBlockWithTxHashes_3100000.json"] = BlockWithTxHashes3100000,
        ["sepolia/getBlockWithTxHashes_pre_confirmed_3819723.json"] = PreConfirmedWithTxHashes,
        ["sepolia/getTransactionReceipt_invoke_0xf2f3d501.json"] = InvokeReceipt,
        ["sepolia/getTransactionStatus_reverted.json"] = RevertedStatus,
        ["sepolia/receipt_v0_7_shape_0x581c21c9_bare.json"] = V07Receipt,
        ["sepolia/getBlockWithReceipts_64159_v0_7_era.json"] = V07EraBlockWithReceipts64159,
        ["sepolia/getBlockWithTxs_65083_v0_7_era.json"] = V07EraBlockWithTxs65083,
        ["sepolia/getStateUpdate_3100000.json"] = StateUpdate3100000,
        ["mainnet/receipt_l1_handler_0x74011377_v0_7_era.json"] = V07EraL1HandlerReceipt,
        ["trace/traceBlockTransactions_sepolia_0x42a4c6a4.json"] = TraceBlockTransactions,
        ["trace/traceTransaction_invoke_sepolia_0x6a4a9c4f.json"] = TraceInvokeTransaction,
        ["errors/contract_error_code40.json"] = ContractError,
        ["errors/spec_errors_v0_10_3.json"] = SpecErrors,
        ["ws/mainnet_subscriptionTransactionStatus_reverted.json"] = WsTransactionStatus,
        ["ws/sepolia_subscriptionEvents.json"] = WsEvents,
        ["ws/sepolia_subscriptionNewHeads.json"] = WsNewHeads,
        ["ws/sepolia_subscriptionNewTransaction.json"] = WsNewTransaction,
        ["ws/sepolia_subscriptionNewTransactionReceipts.json"] = WsReceipts,
    };

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in RecordedFiles())
        {
            data.Add(file);
        }
        return data;
    }

    private static IEnumerable<string> RecordedFiles()
    {
        var root = TestData.Path("starknet", "rpc");
        return Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
    }

    [Fact]
    public void Every_recorded_file_is_covered()
    {
        var files = RecordedFiles().ToList();
        Assert.True(files.Count >= 20, $"expected the recorded corpus, found {files.Count} files");
        Assert.DoesNotContain(files, f => !Checks.ContainsKey(f));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Recorded_file_parses(string relativePath)
    {
        Assert.True(Checks.TryGetValue(relativePath, out var check), $"no check for {relativePath}");
        check(TestData.ReadBytes("starknet", "rpc", relativePath));
    }

    private static T Result<T>(byte[] json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string method) =>
        JsonRpcEnvelope.ParseSingle(json, info, method);

    private static void BlockWithReceipts3100000(byte[] json)
    {
        var block = Result(json, StarknetJsonContext.Default.BlockWithReceipts, "starknet_getBlockWithReceipts");
        Assert.Equal(Felt.Parse("0x1640b846e71502526539c32c8420cd7cb0f28d83ece2e6e71aeaf7c97960bb2"), block.BlockHash);
        Assert.Equal(Felt.Parse("0x689d583286182cd8e58e850ec0804e05f395dccae8edf627de787ff3f211aaa"), block.ParentHash);
        Assert.Equal(3_100_000UL, block.BlockNumber);
        Assert.Equal(1_763_887_048UL, block.Timestamp);
        Assert.Equal("ACCEPTED_ON_L1", block.Status);
        Assert.Equal("0.14.1", block.StarknetVersion);
        Assert.Equal("BLOB", block.L1DaMode);
        Assert.Equal(Felt.Parse("0x1416432dfc4d"), block.L1GasPrice.PriceInFri);
        Assert.Equal(Felt.Parse("0x1"), block.L1DataGasPrice!.PriceInWei);
        Assert.Equal(Felt.Parse("0xb2d05e00"), block.L2GasPrice!.PriceInFri);
        Assert.Equal(3UL, block.EventCount);
        Assert.Equal(5UL, block.StateDiffLength);
        Assert.Equal(3, block.Transactions.Count);
        var (tx, receipt) = (block.Transactions[2].Transaction, block.Transactions[2].Receipt);
        Assert.Equal("INVOKE", tx.Type);
        Assert.Equal(3, tx.VersionNumber);
        Assert.Null(tx.TransactionHash);
        Assert.Equal(Felt.Parse("0x5f5e100"), tx.Tip);
        Assert.Equal(Felt.Parse("0x5f5e100"), tx.ResourceBounds!.L2Gas.MaxAmount);
        Assert.Equal(Felt.Parse("0x2710"), tx.ResourceBounds.L1DataGas!.MaxAmount);
        Assert.Equal(7, tx.Calldata.Count);
        Assert.Equal(Felt.Parse("0x395adbfeb40314aabe6d6a23da797bdc8f48a8bf62d226336cce8aa9e1ecea"), receipt.TransactionHash);
        Assert.Equal("FRI", receipt.ActualFee.Unit);
        Assert.Equal(Felt.Parse("0xad95a8111ef80"), receipt.ActualFee.Amount);
        Assert.Equal(new ExecutionResources { L1Gas = 0, L2Gas = 985_075, L1DataGas = 128 }, receipt.ExecutionResources);
        var transfer = Assert.Single(receipt.Events);
        Assert.Equal(Selector.FromName("Transfer"), transfer.Keys[0]);
        Assert.Equal(4, transfer.Data.Count);
    }

    private static void PreConfirmedWithReceipts(byte[] json)
    {
        var block = Result(json, StarknetJsonContext.Default.BlockWithReceipts, "starknet_getBlockWithReceipts");
        Assert.True(block.IsPreConfirmed);
        Assert.Null(block.ParentHash);
        Assert.Null(block.Status);
        Assert.Equal(4_383_371UL, block.BlockNumber);
        Assert.Equal(2, block.Transactions.Count);
        Assert.All(block.Transactions, t => Assert.Equal("PRE_CONFIRMED", t.Receipt.FinalityStatus));
        Assert.Equal(1_627_980UL, block.Transactions[0].Receipt.ExecutionResources.L2Gas);
    }

    private static void BlockWithTxHashes3100000(byte[] json)
    {
        var block = Result(json, StarknetJsonContext.Default.BlockWithTxHashes, "starknet_getBlockWithTxHashes");
        Assert.Equal(Felt.Parse("0x1640b846e71502526539c32c8420cd7cb0f28d83ece2e6e71aeaf7c97960bb2"), block.BlockHash);
        Assert.Equal(Felt.Parse("0x8dd9765ffec2e9133dca513bb2bf0f9e995470cff144b54cb342afb94ed90"), block.StateDiffCommitment);
        Assert.Equal(3UL, block.TransactionCount);
        Assert.Equal(Felt.Parse("0x395adbfeb40314aabe6d6a23da797bdc8f48a8bf62d226336cce8aa9e1ecea"), block.Transactions[2]);
    }

    private static void PreConfirmedWithTxHashes(byte[] json)
    {
        var block = Result(json, StarknetJsonContext.Default.BlockWithTxHashes, "starknet_getBlockWithTxHashes");
        Assert.Null(block.BlockHash);
        Assert.Null(block.ParentHash);
        Assert.Null(block.EventCount);
        Assert.Equal(3_819_723UL, block.BlockNumber);
        Assert.Equal(4, block.Transactions.Count);
        Assert.Equal(Felt.Parse("0x1dcd65000"), block.L2GasPrice!.PriceInFri);
    }

    private static void InvokeReceipt(byte[] json)
    {
        var receipt = Result(json, StarknetJsonContext.Default.TransactionReceipt, "starknet_getTransactionReceipt");
        Assert.Equal(52_767UL, receipt.BlockNumber);
        Assert.Equal(Felt.Parse("0x4ae5d52c75e4dea5694f456069f830cfbc7bec70427eee170c3385f751b8564"), receipt.BlockHash);
        Assert.Equal(2, receipt.Events.Count);
        Assert.Equal(5, receipt.Events[0].Data.Count);
        Assert.Equal(new ExecutionResources(), receipt.ExecutionResources);
        Assert.False(receipt.ExecutionResources.IsLegacyShape);
        Assert.Empty(receipt.MessagesSent!);
    }

    private static void RevertedStatus(byte[] json)
    {
        var status = Result(json, StarknetJsonContext.Default.TransactionStatus, "starknet_getTransactionStatus");
        Assert.Equal("REVERTED", status.ExecutionStatus);
        Assert.Equal("ACCEPTED_ON_L1", status.FinalityStatus);
        Assert.Contains("is not deployed", status.FailureReason);
    }

    private static void V07Receipt(byte[] json)
    {
        var receipt = JsonSerializer.Deserialize(json, StarknetJsonContext.Default.TransactionReceipt)!;
        Assert.Equal("WEI", receipt.ActualFee.Unit);
        Assert.Equal(Felt.Parse("0x46198809ef4"), receipt.ActualFee.Amount);
        Assert.Equal("ACCEPTED_ON_L2", receipt.FinalityStatus);
        var resources = receipt.ExecutionResources;
        Assert.True(resources.IsLegacyShape);
        Assert.Equal(1652UL, resources.L1Gas);
        Assert.Equal(0UL, resources.L1DataGas);
        Assert.Equal(0UL, resources.L2Gas);
        Assert.Equal(8144UL, resources.Steps);
        Assert.Equal(236UL, resources.Builtins!["range_check"]);
        Assert.Equal(4, resources.Builtins.Count);
        Assert.Equal(Felt.Parse("0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7"), receipt.Events[1].FromAddress);
    }

    private static void V07EraBlockWithReceipts64159(byte[] json)
    {
        var block = Result(json, StarknetJsonContext.Default.BlockWithReceipts, "starknet_getBlockWithReceipts");
        Assert.Equal(Felt.Parse("0x6df565874b2ea6a02d346a23f9efb0b26abbf5708b51bb12587f88a49052964"), block.BlockHash);
        Assert.Equal(64_159UL, block.BlockNumber);
        Assert.Equal("0.13.1.1", block.StarknetVersion);
        Assert.Equal(Felt.Parse("0x185f2d3eb5"), block.L1GasPrice.PriceInWei);
        Assert.Equal(Felt.Parse("0xa41c1219f8849"), block.L1DataGasPrice!.PriceInFri);
        Assert.Null(block.EventCount);
        Assert.Null(block.L2GasPrice); // a v0.7-era header: absent, not a zero price
        Assert.Equal(21, block.Transactions.Count);
        Assert.Equal(20, block.Transactions.Count(t => t.Transaction.Type == "INVOKE" && t.Transaction.VersionNumber == 1));
        Assert.All(block.Transactions, t => Assert.False(t.Receipt.Reverted));
        Assert.Equal(638, block.Transactions.Sum(t => t.Receipt.Events.Count));
        // Sums of actual_fee by unit, added up by hand from the file (20 v1 transactions pay WEI, the v3 one FRI).
        Assert.Equal(48_069_290_383_010_580, FeeSum(block, "WEI"));
        Assert.Equal(838_090_316_871_326_637, FeeSum(block, "FRI"));

        var first = block.Transactions[0];
        Assert.Equal(Felt.Parse("0x5e3fcf2f7dc0f3786a7406dc271cc54a00ba4658f9d0567b25b8e2a90a6250f"), first.Receipt.TransactionHash);
        Assert.Equal(Felt.Parse("0x16345785d8a0000"), first.Transaction.MaxFee);
        Assert.Equal(Felt.Parse("0x14308f32a66bcd"), first.Receipt.ActualFee.Amount);
        Assert.Equal(85, first.Receipt.Events.Count);
        var resources = first.Receipt.ExecutionResources;
        Assert.True(resources.IsLegacyShape);
        Assert.Equal(854_762UL, resources.Steps);
        Assert.Equal(4_916UL, resources.Builtins!["pedersen"]);
        Assert.Equal(26_164UL, resources.Builtins["range_check"]);
        Assert.Equal(3UL, resources.Builtins["ec_op"]);
        Assert.Equal(4_416UL, resources.L1DataGas);
        Assert.Equal(0UL, resources.L2Gas);

        var v3 = block.Transactions[11];
        Assert.Equal(3, v3.Transaction.VersionNumber);
        Assert.Equal("FRI", v3.Receipt.ActualFee.Unit);
        Assert.Equal(Felt.Parse("0xba17eb3eacf5bad"), v3.Receipt.ActualFee.Amount);
        // A v0.7-era v3 transaction bounds L1 gas and L2 gas only.
        Assert.Equal(Felt.Parse("0x1aa6"), v3.Transaction.ResourceBounds!.L1Gas.MaxAmount);
        Assert.Null(v3.Transaction.ResourceBounds.L1DataGas);
        Assert.Equal(9_454UL, v3.Receipt.ExecutionResources.Steps);
        Assert.Equal(288UL, v3.Receipt.ExecutionResources.L1DataGas);
    }

    private static System.Numerics.BigInteger FeeSum(BlockWithReceipts block, string unit) =>
        block.Transactions.Where(t => t.Receipt.ActualFee.Unit == unit)
            .Aggregate(System.Numerics.BigInteger.Zero, (sum, t) => sum + t.Receipt.ActualFee.Amount.ToBigInteger());

    /// <summary>A bare result (no JSON-RPC envelope), as the source project stores it.</summary>
    private static void V07EraBlockWithTxs65083(byte[] json)
    {
        var block = JsonSerializer.Deserialize(json, StarknetJsonContext.Default.BlockWithTxs)!;
        Assert.Equal(Felt.Parse("0x549770b5b74df90276277ff7a11af881c998dffa452f4156f14446db6005174"), block.BlockHash);
        Assert.Equal(65_083UL, block.BlockNumber);
        Assert.Equal(1_715_244_926UL, block.Timestamp);
        Assert.Equal(Felt.Parse("0xb32d49ed2b"), block.L1DataGasPrice!.PriceInFri);
        Assert.Null(block.L2GasPrice);
        Assert.Equal(90, block.Transactions.Count);
        var byKind = block.Transactions.GroupBy(t => $"{t.Type} v{t.VersionNumber}").ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int>
        {
            ["INVOKE v1"] = 54, ["INVOKE v3"] = 28, ["DEPLOY_ACCOUNT v1"] = 6, ["DECLARE v2"] = 1, ["DECLARE v1"] = 1,
        }, byKind);
        Assert.Equal(Felt.Parse("0x2db07ed11b1f6c678de9fc19ef0dfb8e71631e1cff236a34e68f51528a21282"), block.Transactions[0].TransactionHash);
        Assert.Equal(Felt.Parse("0x12c0c"), block.Transactions[0].Nonce);
        Assert.Equal(Felt.Parse("0x6038c7498d699e62208c50c081bb12ece4b2f25551afbf9bb3ceafcb8858b4"), block.Transactions[^1].TransactionHash);
        Assert.All(block.Transactions.Where(t => t.Type == "DEPLOY_ACCOUNT"), t =>
        {
            Assert.NotNull(t.ClassHash);
            Assert.NotNull(t.ContractAddressSalt);
            Assert.NotNull(t.ConstructorCalldata);
        });
        var declareV2 = Assert.Single(block.Transactions, t => t.Type == "DECLARE" && t.VersionNumber == 2);
        Assert.NotNull(declareV2.CompiledClassHash);
        var declareV1 = Assert.Single(block.Transactions, t => t.Type == "DECLARE" && t.VersionNumber == 1);
        Assert.Null(declareV1.CompiledClassHash);
        Assert.NotNull(declareV1.MaxFee);
        Assert.Empty(declareV1.Calldata); // DECLARE has no calldata: empty, not null
    }

    private static void V07EraL1HandlerReceipt(byte[] json)
    {
        var receipt = JsonSerializer.Deserialize(json, StarknetJsonContext.Default.TransactionReceipt)!;
        Assert.Equal("L1_HANDLER", receipt.Type);
        Assert.Equal(Felt.Parse("0x74011377f326265f5a54e27a27968355e7033ad1de11b77b225374875aff519"), receipt.TransactionHash);
        Assert.Equal(648_615UL, receipt.BlockNumber);
        Assert.Equal("0xf93cd5994e1da0cea88f2310735746d049be9fa55f4a38d5545bc325bcaa49af", receipt.MessageHash);
        Assert.Equal(new FeePayment { Amount = Felt.Parse("0x0"), Unit = "WEI" }, receipt.ActualFee);
        Assert.Equal(2, receipt.Events.Count);
        Assert.Equal(Felt.Parse("0xdfd54233d96e4b"), receipt.Events[0].Data[2]);
        var resources = receipt.ExecutionResources;
        Assert.True(resources.IsLegacyShape);
        Assert.Equal(4_230UL, resources.Steps);
        Assert.Equal(new Dictionary<string, ulong> { ["pedersen"] = 19, ["range_check"] = 94 }, resources.Builtins);
        Assert.Equal(128UL, resources.L1DataGas);
    }

    private static void StateUpdate3100000(byte[] json)
    {
        var update = Result(json, StarknetJsonContext.Default.StateUpdate, "starknet_getStateUpdate");
        Assert.Equal(Felt.Parse("0x1640b846e71502526539c32c8420cd7cb0f28d83ece2e6e71aeaf7c97960bb2"), update.BlockHash);
        Assert.Equal(Felt.Parse("0x1fa4b70953c305f21fca73a06d87287612fe65dd4e5990e52843202f7edba86"), update.NewRoot);
        Assert.Equal(Felt.Parse("0x1548b74fa1e93d769c31f9a902b0260b9d75b434a3ed1ba7354cee0848657fe"), update.OldRoot);
        var diff = update.StateDiff;
        Assert.Equal([Felt.Parse("0x2a730fc5366a8932645ada40338487d5c272294d70a43dc2d53f03534f418ea"), Felt.Parse("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d"), Felt.Parse("0x1")],
            diff.StorageDiffs.Select(d => d.Address));
        Assert.Equal([1, 2, 1], diff.StorageDiffs.Select(d => d.StorageEntries.Count));
        Assert.Equal(new StorageEntry { Key = Felt.Parse("0x5496768776e3db30053404f18067d81a6e06f5a2b0de326e21298fd9d569a9a"), Value = Felt.Parse("0x26eb76fd7a1e0da17f390") },
            diff.StorageDiffs[1].StorageEntries[0]);
        Assert.Equal(new StorageEntry { Key = Felt.Parse("0x2f4d56"), Value = Felt.Parse("0x48a9d588d1a788ac5e90e31445efde3f3ad5336321c084fe29d39ef8a6fa736") },
            diff.StorageDiffs[2].StorageEntries[0]);
        var nonce = Assert.Single(diff.Nonces);
        Assert.Equal(new NonceUpdate { ContractAddress = Felt.Parse("0x4f4e29add19afa12c868ba1f4439099f225403ff9a71fe667eebb50e13518d3"), Nonce = Felt.Parse("0x71247") }, nonce);
        Assert.Empty(diff.DeployedContracts);
        Assert.Empty(diff.DeclaredClasses);
        Assert.Empty(diff.DeprecatedDeclaredClasses);
        Assert.Empty(diff.ReplacedClasses);
        Assert.Empty(diff.MigratedCompiledClasses);
    }

    private static void TraceBlockTransactions(byte[] json)
    {
        var traces = JsonRpcEnvelope.ParseSingle(json, StarknetJsonContext.Default.ListBlockTransactionTrace, "starknet_traceBlockTransactions");
        Assert.Equal(7, traces.Count);
        Assert.All(traces, t => Assert.Equal("INVOKE", t.TraceRoot.Type));
        // Transaction resources, in block order; v0.8-shaped (l2_gas present), so not legacy.
        Assert.Equal([9_264UL, 18_139, 10_396, 47_743, 4_116, 27_373, 18_139], traces.Select(t => t.TraceRoot.ExecutionResources.L1Gas));
        Assert.All(traces, t => Assert.False(t.TraceRoot.ExecutionResources.IsLegacyShape));
        // Invocations per execute tree (root included) and events emitted in it, counted by hand.
        Assert.Equal([14, 30, 16, 82, 3, 46, 30], traces.Select(t => t.TraceRoot.ExecuteInvocation!.SelfAndDescendants().Count()));
        Assert.Equal([7, 14, 8, 41, 1, 23, 14], traces.Select(t => t.TraceRoot.ExecuteInvocation!.SelfAndDescendants().Sum(i => i.Events.Count)));
        Assert.All(traces, t => Assert.Equal(0, t.TraceRoot.AllInvocations().Sum(i => i.Messages.Count)));

        var first = traces[0];
        Assert.Equal(Felt.Parse("0x23f6c7b23412cd66f493dc2d9e76483e23d02782d6558ef40459c6e96f4f350"), first.TransactionHash);
        Assert.Equal(16, first.TraceRoot.AllInvocations().Count());
        var execute = first.TraceRoot.ExecuteInvocation!;
        Assert.Null(execute.RevertReason);
        Assert.Equal(Felt.Parse("0x4c1d9da136846ab084ae18cf6ce7a652df7793b666a16ce46b1bf5850cc739d"), execute.ContractAddress);
        Assert.Equal(Selector.FromName("__execute__"), execute.EntryPointSelector);
        Assert.Equal(Felt.Parse("0x1a736d6ed154502257f02b1ccdf4d9d1089f80811cd6acad48e6b6a9d1f2003"), execute.ClassHash);
        Assert.Equal(Felt.Parse("0x0"), execute.CallerAddress);
        Assert.Equal(("EXTERNAL", "CALL"), (execute.EntryPointType, execute.CallType));
        Assert.Equal(47, execute.Calldata.Count);
        Assert.Equal(184UL, execute.ExecutionResources.L1Gas);
        var call = Assert.Single(execute.Calls);
        Assert.Equal(Felt.Parse("0x36031daa264c24520b11d93af622c848b2499b66b41d611bac95e13cfca131a"), call.ContractAddress);
        Assert.Equal(Felt.Parse("0x3d0bcca55c118f88a08e0fcc06f43906c0c174feb52ebc83f0fa28a1f59ed67"), call.EntryPointSelector);
        Assert.Equal(execute.ContractAddress, call.CallerAddress);
        Assert.Equal(174UL, call.ExecutionResources.L1Gas);
        Assert.Equal(12, call.Calls.Count);
        Assert.Equal(6, call.Events.Count);
        Assert.False(call.IsReverted);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], execute.SelfAndDescendants().SelectMany(i => i.Events).Select(e => e.Order).Order());
        Assert.Equal(Selector.FromName("__validate__"), first.TraceRoot.ValidateInvocation!.EntryPointSelector);

        var fee = first.TraceRoot.FeeTransferInvocation!;
        Assert.Equal(Felt.Parse("0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7"), fee.ContractAddress);
        var transfer = Assert.Single(fee.Events);
        Assert.Equal(Selector.FromName("Transfer"), transfer.Keys[0]);
        Assert.Equal(Felt.Parse("0x349441b59790"), transfer.Data[2]);

        var diff = first.TraceRoot.StateDiff!;
        Assert.Equal(2, diff.StorageDiffs.Count);
        Assert.Equal(Felt.Parse("0x1595e10000000000000000000000000066bae3a7"), diff.StorageDiffs[0].StorageEntries[0].Value);
        Assert.Single(diff.Nonces);
        var deployed = Assert.Single(traces[4].TraceRoot.StateDiff!.DeployedContracts);
        Assert.Equal(new DeployedContract
        {
            Address = Felt.Parse("0x7cd1359ded810b3cd2dfb37121fff6423cda9384c3fc1052e54bf801fe434e4"),
            ClassHash = Felt.Parse("0x13267b9ab398ff17b9260d91fb21e8167bb6bf4aca757152eec723237858dff"),
        }, deployed);
    }

    private static void TraceInvokeTransaction(byte[] json)
    {
        var trace = Result(json, StarknetJsonContext.Default.TransactionTrace, "starknet_traceTransaction");
        Assert.Equal("INVOKE", trace.Type);
        Assert.Null(trace.StateDiff);
        Assert.Equal(new ExecutionResources(), trace.ExecutionResources);
        Assert.Equal([Felt.FromShortString("VALID")], trace.ValidateInvocation!.Result);
        var execute = trace.ExecuteInvocation!;
        Assert.Equal(Felt.Parse("0x143fe26927dd6a302522ea1cd6a821ab06b3753194acee38d88a85c93b3cbc6"), execute.ContractAddress);
        var call = Assert.Single(execute.Calls);
        Assert.Equal(Felt.Parse("0x6b74c515944ef1ef630ee1cf08a22e110c39e217fa15554a089182a11f78ed"), call.ContractAddress);
        Assert.Equal(Felt.Parse("0xc844fd57777b0cd7e75c8ea68deec0adf964a6308da7a58de32364b7131cc8"), call.EntryPointSelector);
        Assert.Equal(Felt.Parse("0x18734719577f055f2a4f405bd8f0030b9e4588379ec2d5f85c084ad5e06eab8"), call.ClassHash);
        var emitted = Assert.Single(call.Events);
        Assert.Equal(15, emitted.Data.Count);
        Assert.Equal(Felt.Parse("0x19e22f866f4c5aead2809bf160d2b29e921e335d899979732101c6f3c38ff81"), emitted.Keys[0]);
        Assert.Equal([Felt.Parse("0x1176a1bd84444c89232ec27754698e5d2e7e1a7f1539f12027f28b23ec9f3d8"), Felt.Parse("0x6a25583aab3700"), Felt.Parse("0x0")],
            trace.FeeTransferInvocation!.Calldata);
        Assert.Equal(4, trace.AllInvocations().Count());
    }

    private static void ContractError(byte[] json)
    {
        var ex = Assert.Throws<ContractErrorException>(() => Result(json, StarknetJsonContext.Default.ListFelt, "starknet_call"));
        Assert.Equal(40, ex.Code);
        Assert.Equal(StarknetErrorCode.ContractError, ex.ErrorCode);
        Assert.Equal("Contract error", ex.RpcMessage);
        Assert.Equal("starknet_call", ex.Method);
        var revert = ex.Data!.Value.GetProperty("revert_error");
        Assert.Equal("0x1b64b1b3b690b43b9b514fb81377518f4039cd3e4f4914d8a6bdf01d679fb19", revert.GetProperty("selector").GetString());
        Assert.Contains("Failed to deserialize param #2", ex.Message);
    }

    private static void SpecErrors(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var errors = document.RootElement.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(35, errors.Count);
        foreach (var error in errors)
        {
            var code = error.GetProperty("code").GetInt32();
            var message = error.GetProperty("message").GetString()!;
            var data = error.GetProperty("has_data").GetBoolean() ? ",\"data\":\"detail\"" : "";
            var envelope = Encoding.UTF8.GetBytes(
                $$$"""{"jsonrpc":"2.0","id":7,"error":{"code":{{{code}}},"message":{{{JsonSerializer.Serialize(message)}}}{{{data}}}}}""");
            var ex = Assert.ThrowsAny<StarknetRpcException>(() => Result(envelope, StarknetJsonContext.Default.UInt64, "starknet_blockNumber"));
            Assert.Equal(code, ex.Code);
            Assert.NotEqual(StarknetErrorCode.Unknown, ex.ErrorCode);
            Assert.Equal(Normalise(error.GetProperty("name").GetString()!), Normalise(ex.ErrorCode.ToString()));
            Assert.Equal(message, ex.RpcMessage);
        }
    }

    /// <summary>Spec names (TXN_HASH_NOT_FOUND) vs enum names (TransactionHashNotFound).</summary>
    private static string Normalise(string name) =>
        name.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant()
            .Replace("TRANSACTION", "TXN", StringComparison.Ordinal).Replace("TX", "TXN", StringComparison.Ordinal)
            .Replace("TXNN", "TXN", StringComparison.Ordinal);

    private static SubscriptionNotification Notification(byte[] json)
    {
        SubscriptionMessageParser.Parse(json, out var notification, out var reply);
        Assert.Null(reply);
        return notification!;
    }

    private static void WsTransactionStatus(byte[] json)
    {
        var n = Assert.IsType<TransactionStatusNotification>(Notification(json));
        Assert.Equal("3521385012497367388", n.SubscriptionId);
        Assert.Equal("REVERTED", n.Status.ExecutionStatus);
        Assert.Contains("argent/multicall-failed", n.Status.FailureReason);
        Assert.Equal(Felt.Parse("0xb2c5599dd3d421edd1491a92bf3cd12cdd2a58e5cb89eebe0a3fc890520c7b"), n.TransactionHash);
    }

    private static void WsEvents(byte[] json)
    {
        var n = Assert.IsType<EventNotification>(Notification(json));
        Assert.Equal(4_622_053UL, n.Event.BlockNumber);
        Assert.Equal(1, n.Event.TransactionIndex);
        Assert.Equal(0, n.Event.EventIndex);
        Assert.Equal("ACCEPTED_ON_L2", n.Event.FinalityStatus);
        Assert.Equal(Felt.Parse("0x335ac493c63a80"), n.Event.Data[2]);
    }

    private static void WsNewHeads(byte[] json)
    {
        var n = Assert.IsType<NewHeadNotification>(Notification(json));
        Assert.Equal("13375396971676853083", n.SubscriptionId);
        Assert.Equal(4_414_096UL, n.Header.BlockNumber);
        Assert.Equal(Felt.Parse("0x516148d054c7eb1c1959d723c4e3e8216c18c4e6df7714f5f9079c46cf12c91"), n.Header.ParentHash);
        Assert.Equal(8UL, n.Header.EventCount);
    }

    private static void WsNewTransaction(byte[] json)
    {
        var n = Assert.IsType<NewTransactionNotification>(Notification(json));
        Assert.Equal("ACCEPTED_ON_L2", n.FinalityStatus);
        Assert.Equal(Felt.Parse("0x26e2841b7c2d2c8f943a4c8d72f2de5824918b8f796a7eeaf8c32311e8cde61"), n.Transaction.TransactionHash);
        Assert.Equal(Felt.Parse("0x0"), n.Transaction.ResourceBounds!.L1Gas.MaxAmount);
    }

    private static void WsReceipts(byte[] json)
    {
        var n = Assert.IsType<NewTransactionReceiptNotification>(Notification(json));
        Assert.Equal(4_627_995UL, n.Receipt.BlockNumber);
        Assert.Equal(1_152_335UL, n.Receipt.ExecutionResources.L2Gas);
        Assert.Equal("FRI", n.Receipt.ActualFee.Unit);
    }
}
