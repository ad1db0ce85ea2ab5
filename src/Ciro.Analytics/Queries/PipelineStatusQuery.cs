using Npgsql;

namespace Ciro.Analytics.Queries;

/// <summary>Is data still flowing? The indexer's own state (ciro.indexer_status: indexing, or halted with the reason
/// an operator must act on) and the newest indexed block with its age on the wall clock. A stopped indexer
/// cannot report itself: the block age shows that.</summary>
public sealed class PipelineStatusQuery(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<PipelineStatus> GetAsync(CancellationToken ct)
    {
        // A halted cursor outranks a healthy one: it is the one someone has to look at.
        await using var command = dataSource.CreateCommand("""
            select s.state, s.reason, s.since, b.block_number, b.block_time
            from (select) one
            left join lateral (select state, reason, since from ciro.indexer_status
                               order by state = 'halted' desc, since desc limit 1) s on true
            left join lateral (select block_number, block_time from ciro.blocks order by block_number desc limit 1) b on true
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var now = clock.GetUtcNow();
        DateTimeOffset? newestTime = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
        return new PipelineStatus(
            IndexerState: reader.IsDBNull(0) ? "unknown" : reader.GetString(0),
            Reason: reader.IsDBNull(1) ? null : reader.GetString(1),
            Since: reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            NewestBlock: reader.IsDBNull(3) ? null : reader.GetInt64(3),
            NewestBlockTime: newestTime,
            NewestBlockAgeSeconds: newestTime is { } t ? Math.Max(0, (now - t).TotalSeconds) : null,
            CheckedAt: now);
    }
}

/// <param name="IndexerState">"indexing", "halted" (see Reason), or "unknown" (the indexer never reported).</param>
/// <param name="Since">When the indexer entered this state.</param>
/// <param name="NewestBlockAgeSeconds">Wall clock minus the newest block's timestamp, at CheckedAt.</param>
public sealed record PipelineStatus(
    string IndexerState,
    string? Reason,
    DateTimeOffset? Since,
    long? NewestBlock,
    DateTimeOffset? NewestBlockTime,
    double? NewestBlockAgeSeconds,
    DateTimeOffset CheckedAt);
