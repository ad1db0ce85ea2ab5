using Npgsql;

namespace Ciro.Indexer.Tests.Infrastructure;

/// <summary>What one stored block amounts to, in any RPC shape: transactions, reverted ones, events, and fees
/// summed per unit ("FRI n, WEI m", units in order). Transactions and events are counted from their own tables and
/// must agree with the block row's counters.</summary>
public sealed record BlockSummary(int Transactions, int Reverted, int Events, string FeesByUnit)
{
    public static async Task<BlockSummary> ReadAsync(string connectionString, long blockNumber)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select b.tx_count, b.event_count,
                   (select count(*) from ciro.transactions t where t.block_number = b.block_number)::int,
                   (select count(*) from ciro.transactions t where t.block_number = b.block_number and t.execution_status = 'REVERTED')::int,
                   (select count(*) from ciro.events e where e.block_number = b.block_number)::int,
                   (select coalesce(string_agg(f.fee_unit || ' ' || f.total::text, ', ' order by f.fee_unit), '')
                      from (select fee_unit, sum(fee_amount) as total from ciro.transactions t
                            where t.block_number = b.block_number group by fee_unit) f)
            from ciro.blocks b where b.block_number = $1
            """, connection);
        command.Parameters.AddWithValue(blockNumber);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"block {blockNumber} is not stored");
        var (txCount, eventCount) = (reader.GetInt32(0), reader.GetInt32(1));
        Assert.Equal(txCount, reader.GetInt32(2));
        Assert.Equal(eventCount, reader.GetInt32(4));
        return new BlockSummary(txCount, reader.GetInt32(3), eventCount, reader.GetString(5));
    }
}
