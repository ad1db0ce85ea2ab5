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
        Assert.True(files.Count >= 14, $"expected the recorded corpus, found {files.Count} files");
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
        Assert.Equal(Felt.Parse("0x1"), block.L1DataGasPrice.PriceInWei);
        Assert.Equal(Felt.Parse("0xb2d05e00"), block.L2GasPrice.PriceInFri);
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
        Assert.Equal(Felt.Parse("0x1dcd65000"), block.L2GasPrice.PriceInFri);
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
