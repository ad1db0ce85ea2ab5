using System.Text.Json.Serialization;

namespace Ciro.Starknet.Rpc.Json;

/// <summary>Source-generated (de)serialisers for every RPC model: no reflection on the hot path, and snake_case
/// names straight from the spec.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BlockHeader))]
[JsonSerializable(typeof(BlockWithTxHashes))]
[JsonSerializable(typeof(BlockWithTxs))]
[JsonSerializable(typeof(BlockWithReceipts))]
[JsonSerializable(typeof(TransactionTrace))]
[JsonSerializable(typeof(List<BlockTransactionTrace>))]
[JsonSerializable(typeof(StateUpdate))]
[JsonSerializable(typeof(ContractClass))]
[JsonSerializable(typeof(TransactionReceipt))]
[JsonSerializable(typeof(Transaction))]
[JsonSerializable(typeof(EventsPage))]
[JsonSerializable(typeof(EmittedEvent))]
[JsonSerializable(typeof(BlockHashAndNumber))]
[JsonSerializable(typeof(SyncStatus))]
[JsonSerializable(typeof(TransactionStatus))]
[JsonSerializable(typeof(Subscriptions.ReorgData))]
[JsonSerializable(typeof(List<Felt>))]
[JsonSerializable(typeof(Felt))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
public sealed partial class StarknetJsonContext : JsonSerializerContext;
