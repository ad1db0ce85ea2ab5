namespace Ciro.Indexer.Following;

/// <summary>
/// A condition retrying cannot fix and an operator must decide on: the database holds another chain, or the node
/// reorganised deeper than Indexer:MaxReorgDepth. The follower stops writing, reports unhealthy with
/// <see cref="Exception.Message"/> (which says what differs and what to do) and waits for a reindex.
/// </summary>
public sealed class IndexerHaltedException(string reason) : Exception(reason);
