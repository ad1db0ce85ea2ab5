using Ciro.Messages;
using Ciro.Starknet;
using Ciro.Storage;
using Npgsql;

namespace Ciro.Indexer.Storage;

/// <summary>Cursor reads and the destructive operations (rollback for a reorg or a reindex), each in one
/// transaction with the cursor move and the downstream notification.</summary>
public sealed class ChainStore(NpgsqlDataSource dataSource)
{
    private static readonly string[] DataTables = ["contract_classes", "call_traces", "tx_state_diffs", "tx_storage_writes", "events", "tx_calls", "transactions", "blocks", "undecodable_blocks"];

    /// <summary>Every block the cursor has passed, decoded or kept raw (<see cref="UndecodableBlockStore"/>): the
    /// chain a reorg walks back along.</summary>
    private const string LinkedBlocks = "(select block_number, block_hash from ciro.blocks union all select block_number, block_hash from ciro.undecodable_blocks)";

    public async Task<BlockCursor?> GetCursorAsync(string name, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select block_number, block_hash from ciro.block_cursor where name = $1");
        command.Parameters.AddWithValue(name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new BlockCursor((ulong)reader.GetInt64(0), Felt.FromBytes(reader.GetFieldValue<byte[]>(1)))
            : null;
    }

    public async Task<Felt?> GetStoredHashAsync(ulong blockNumber, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select block_hash from {LinkedBlocks} b where block_number = $1");
        command.Parameters.AddWithValue((long)blockNumber);
        var value = await command.ExecuteScalarAsync(ct);
        return value is byte[] bytes ? Felt.FromBytes(bytes) : null;
    }

    public async Task<ChainIdentity?> GetIdentityAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select chain_id, anchor_block, anchor_hash from ciro.chain_identity");
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new ChainIdentity(Felt.Parse(reader.GetString(0)), (ulong)reader.GetInt64(1), Felt.FromBytes(reader.GetFieldValue<byte[]>(2)))
            : null;
    }

    /// <summary>The lowest stored block (number, hash): the anchor of a database indexed before chain identities
    /// were recorded.</summary>
    public async Task<(ulong Number, Felt Hash)?> GetLowestStoredBlockAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select block_number, block_hash from ciro.blocks order by block_number limit 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ((ulong)reader.GetInt64(0), Felt.FromBytes(reader.GetFieldValue<byte[]>(1))) : null;
    }

    /// <summary>Records the identity unless one is there (the first writer wins; see BlockBatchWriter).</summary>
    public async Task RecordIdentityAsync(ChainIdentity identity, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await RecordIdentityAsync(connection, null, identity, ct);
    }

    public static async Task RecordIdentityAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, ChainIdentity identity, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            insert into ciro.chain_identity (chain_id, anchor_block, anchor_hash) values ($1, $2, $3) on conflict do nothing
            """, connection, tx);
        command.Parameters.AddWithValue(identity.ChainId.ToString());
        command.Parameters.AddWithValue((long)identity.AnchorBlock);
        command.Parameters.AddWithValue(identity.AnchorHash.ToBytes());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The indexer's state for readers without access to its health endpoint (analytics' pipeline status).
    /// <c>since</c> moves only when the state or the reason changes.</summary>
    public async Task SetStatusAsync(string cursorName, IndexerState state, string? reason, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            insert into ciro.indexer_status (cursor_name, state, reason) values ($1, $2, $3)
            on conflict (cursor_name) do update set state = excluded.state, reason = excluded.reason, since = now()
              where ciro.indexer_status.state is distinct from excluded.state or ciro.indexer_status.reason is distinct from excluded.reason
            """);
        command.Parameters.AddWithValue(cursorName);
        command.Parameters.AddWithValue(state == IndexerState.Halted ? "halted" : "indexing");
        command.Parameters.AddWithValue((object?)reason ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes every row above <paramref name="keepThrough"/> (null: everything), moves the cursor there,
    /// records the reorg (when <paramref name="reorg"/> is given) and notifies, atomically.</summary>
    public async Task RollbackAsync(string cursorName, ulong? keepThrough, ReorgRecord? reorg, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var above = keepThrough is null ? -1L : (long)keepThrough.Value;
        foreach (var table in DataTables)
        {
            await using var delete = new NpgsqlCommand($"delete from ciro.{table} where block_number > $1", connection, tx);
            delete.Parameters.AddWithValue(above);
            await delete.ExecuteNonQueryAsync(ct);
        }
        if (keepThrough is null)
        {
            await using var drop = new NpgsqlCommand("delete from ciro.block_cursor where name = $1", connection, tx);
            drop.Parameters.AddWithValue(cursorName);
            await drop.ExecuteNonQueryAsync(ct);
        }
        else
        {
            await using var move = new NpgsqlCommand($"""
                update ciro.block_cursor set block_number = b.block_number, block_hash = b.block_hash, updated_at = now()
                from {LinkedBlocks} b where ciro.block_cursor.name = $1 and b.block_number = $2
                """, connection, tx);
            move.Parameters.AddWithValue(cursorName);
            move.Parameters.AddWithValue(above);
            if (await move.ExecuteNonQueryAsync(ct) == 0)
            {
                // The kept block is not stored (below the start block): start again from scratch.
                await using var drop = new NpgsqlCommand("delete from ciro.block_cursor where name = $1", connection, tx);
                drop.Parameters.AddWithValue(cursorName);
                await drop.ExecuteNonQueryAsync(ct);
            }
        }
        // No block left: the next block indexed records the identity again (possibly another chain's, which is
        // what a reindex from the start is for).
        await using (var forget = new NpgsqlCommand("delete from ciro.chain_identity where not exists (select from ciro.blocks) and not exists (select from ciro.undecodable_blocks)", connection, tx))
        {
            await forget.ExecuteNonQueryAsync(ct);
        }
        if (reorg is not null)
        {
            await using var record = new NpgsqlCommand(
                "insert into ciro.reorgs (common_ancestor, depth, old_head_hash, new_head_hash) values ($1, $2, $3, $4)", connection, tx);
            record.Parameters.AddWithValue((long)reorg.CommonAncestor);
            record.Parameters.AddWithValue(reorg.Depth);
            record.Parameters.AddWithValue(reorg.OldHeadHash.ToBytes());
            record.Parameters.AddWithValue(reorg.NewHeadHash is { } h ? h.ToBytes() : DBNull.Value);
            await record.ExecuteNonQueryAsync(ct);
        }
        await connection.NotifyAsync(tx, new Reorg(above + 1, reorg?.Depth ?? 0, reorg is null ? ReorgReason.Reindex : ReorgReason.Reorg), ct);
        await tx.CommitAsync(ct);
    }
}

public enum IndexerState
{
    Indexing,
    Halted,
}

public sealed record ReorgRecord(ulong CommonAncestor, int Depth, Felt OldHeadHash, Felt? NewHeadHash);
