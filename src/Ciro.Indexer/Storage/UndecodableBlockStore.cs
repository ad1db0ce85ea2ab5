using Ciro.Messages;
using Ciro.Starknet;
using Ciro.Storage;
using Npgsql;

namespace Ciro.Indexer.Storage;

/// <summary>A block kept as the node sent it because it does not decode (<c>ciro.undecodable_blocks</c>).</summary>
public sealed record UndecodableBlock(ulong BlockNumber, string BlockHash, string ParentHash, string Reason, long RawBytes, DateTimeOffset SkippedAt);

/// <summary>Stores an undecodable block raw and moves the cursor past it in one transaction (with the chain identity
/// when it is the database's first block, and the same <see cref="BlocksCommitted"/> notification a batch sends, so
/// readers move on too); lists and reads what was skipped.</summary>
public sealed class UndecodableBlockStore(NpgsqlDataSource dataSource)
{
    public async Task SkipAsync(string cursorName, UndecodableAnswer block, ChainIdentity? identity, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand("""
            insert into ciro.undecodable_blocks (block_number, block_hash, parent_hash, reason, raw) values ($1, $2, $3, $4, $5)
            on conflict (block_number) do update set block_hash = excluded.block_hash, parent_hash = excluded.parent_hash,
              reason = excluded.reason, raw = excluded.raw, skipped_at = now()
            """, connection, tx))
        {
            insert.Parameters.AddWithValue((long)block.Number);
            insert.Parameters.AddWithValue(block.Hash.ToBytes());
            insert.Parameters.AddWithValue(block.ParentHash.ToBytes());
            insert.Parameters.AddWithValue(ChainText.Clean(block.Reason)!);
            insert.Parameters.AddWithValue(block.Raw);
            await insert.ExecuteNonQueryAsync(ct);
        }
        if (identity is not null)
        {
            await ChainStore.RecordIdentityAsync(connection, tx, identity, ct);
        }
        await BlockBatchWriter.MoveCursorAsync(connection, tx, cursorName, block.Number, block.Hash, ct);
        await connection.NotifyAsync(tx, new BlocksCommitted((long)block.Number, (long)block.Number, block.Time), ct);
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<UndecodableBlock>> ListAsync(int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select block_number, block_hash, parent_hash, reason, length(raw), skipped_at
            from ciro.undecodable_blocks order by block_number desc limit $1
            """);
        command.Parameters.AddWithValue(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var blocks = new List<UndecodableBlock>();
        while (await reader.ReadAsync(ct))
        {
            blocks.Add(new UndecodableBlock((ulong)reader.GetInt64(0), Felt.FromBytes(reader.GetFieldValue<byte[]>(1)).ToString(),
                Felt.FromBytes(reader.GetFieldValue<byte[]>(2)).ToString(), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return blocks;
    }

    /// <summary>The node's answer for the block, byte for byte; null when the block was not skipped.</summary>
    public async Task<byte[]?> GetRawAsync(ulong blockNumber, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select raw from ciro.undecodable_blocks where block_number = $1");
        command.Parameters.AddWithValue((long)blockNumber);
        return await command.ExecuteScalarAsync(ct) as byte[];
    }
}

/// <summary>What the indexer could read of an undecodable answer: enough to link the chain past it.</summary>
public sealed record UndecodableAnswer(ulong Number, Felt Hash, Felt ParentHash, DateTimeOffset Time, string Reason, byte[] Raw);
