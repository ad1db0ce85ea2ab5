namespace Ciro.Starknet.Rpc.Subscriptions;

/// <summary>A server push on a websocket subscription (spec v0.10.3 starknet_ws_api). Subscription ids are strings
/// in v0.9+; numeric ids from older nodes are kept as their decimal text.</summary>
public abstract record SubscriptionNotification(string SubscriptionId);

/// <summary>starknet_subscriptionNewHeads.</summary>
public sealed record NewHeadNotification(string SubscriptionId, BlockHeader Header) : SubscriptionNotification(SubscriptionId);

/// <summary>starknet_subscriptionEvents.</summary>
public sealed record EventNotification(string SubscriptionId, EmittedEvent Event) : SubscriptionNotification(SubscriptionId);

/// <summary>starknet_subscriptionReorg: blocks StartingBlockNumber..EndingBlockNumber were orphaned; the indexer
/// must roll back to StartingBlockNumber - 1 and re-read. Sent on newHeads, events and receipt subscriptions.</summary>
public sealed record ReorgNotification(string SubscriptionId, ReorgData Reorg) : SubscriptionNotification(SubscriptionId);

/// <summary>starknet_subscriptionTransactionStatus.</summary>
public sealed record TransactionStatusNotification(string SubscriptionId, Felt TransactionHash, TransactionStatus Status)
    : SubscriptionNotification(SubscriptionId);

/// <summary>starknet_subscriptionNewTransaction (the transaction carries its hash and finality in v0.10).</summary>
public sealed record NewTransactionNotification(string SubscriptionId, Transaction Transaction, string? FinalityStatus)
    : SubscriptionNotification(SubscriptionId);

/// <summary>starknet_subscriptionNewTransactionReceipts.</summary>
public sealed record NewTransactionReceiptNotification(string SubscriptionId, TransactionReceipt Receipt)
    : SubscriptionNotification(SubscriptionId);

/// <summary>A method this client does not model; kept so a new server push is visible rather than dropped.</summary>
public sealed record UnknownNotification(string SubscriptionId, string Method, string RawParams) : SubscriptionNotification(SubscriptionId);

public sealed record ReorgData
{
    public Felt StartingBlockHash { get; init; }
    public ulong StartingBlockNumber { get; init; }
    public Felt EndingBlockHash { get; init; }
    public ulong EndingBlockNumber { get; init; }
}
