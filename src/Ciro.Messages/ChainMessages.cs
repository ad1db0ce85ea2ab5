using System.Text.Json.Serialization;

namespace Ciro.Messages;

/// <summary>The indexer committed blocks from..to (inclusive) in one transaction.</summary>
/// <param name="From">First block of the batch.</param>
/// <param name="To">Last block of the batch: the new indexed head.</param>
/// <param name="HeadTime">Chain timestamp of block <c>to</c> (ISO-8601, UTC).</param>
public sealed record BlocksCommitted(long From, long To, DateTimeOffset HeadTime) : CiroMessage;

/// <summary>Stored blocks from <c>fromBlock</c> on were deleted: replaced by another branch, or dropped for a
/// reindex. Every figure that includes them may have changed.</summary>
/// <param name="FromBlock">Lowest block deleted.</param>
/// <param name="Depth">How many stored blocks the reorg replaced (0 for a reindex).</param>
/// <param name="Reason">Why the blocks were deleted.</param>
public sealed record Reorg(long FromBlock, int Depth, ReorgReason Reason) : CiroMessage;

/// <summary>Why stored blocks were deleted.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<ReorgReason>))]
public enum ReorgReason
{
    /// <summary>The node's chain moved to another branch.</summary>
    Reorg,

    /// <summary>An operator asked to index again from a block.</summary>
    Reindex,
}

/// <summary>Notifications may have been lost or unreadable: refetch everything.</summary>
/// <param name="Reason">What made the relay send it.</param>
public sealed record Resync(ResyncReason Reason) : CiroMessage;

/// <summary>What made the relay ask consumers to refetch everything.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<ResyncReason>))]
public enum ResyncReason
{
    /// <summary>The relay's LISTEN connection was lost; notifications sent meanwhile are gone.</summary>
    Reconnected,

    /// <summary>A service asked for it with a NOTIFY on the resync channel.</summary>
    Requested,

    /// <summary>A notification could not be read (a producer/consumer version mismatch).</summary>
    UnreadableNotification,

    /// <summary>The relay dropped notifications: its queue was full, or handling a batch failed.</summary>
    Dropped,
}
