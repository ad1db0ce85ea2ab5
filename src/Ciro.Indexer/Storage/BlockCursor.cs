using Ciro.Starknet;

namespace Ciro.Indexer.Storage;

/// <summary>The last block whose rows are committed; the next batch must start at Number + 1 and its
/// first block's parent_hash must equal Hash.</summary>
public sealed record BlockCursor(ulong Number, Felt Hash);
