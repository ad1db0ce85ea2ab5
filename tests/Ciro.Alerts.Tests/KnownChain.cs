using Ciro.Starknet;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>Writes a small hand-made chain straight into the indexer's tables.</summary>
public sealed class KnownChain(string connectionString)
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public async Task AddBlockAsync(long number, TimeSpan at, params string[] eventNames)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var time = Start + at;
        await using (var partitions = new NpgsqlCommand("select ciro.ensure_partitions($1, $1)", connection))
        {
            partitions.Parameters.AddWithValue(time);
            await partitions.ExecuteNonQueryAsync();
        }
        await using (var block = new NpgsqlCommand("""
            insert into ciro.blocks values ($1, $2, $3, $4, $5, 1, 1, 1, 1, 1, 1, 1, $6, 0, 0, 0, 'ACCEPTED_ON_L2', '0.14.1')
            """, connection))
        {
            block.Parameters.AddWithValue(number);
            block.Parameters.AddWithValue(Felt.FromBigInteger(1000 + number).ToBytes());
            block.Parameters.AddWithValue(Felt.FromBigInteger(1000 + number - 1).ToBytes());
            block.Parameters.AddWithValue(time);
            block.Parameters.AddWithValue(Felt.One.ToBytes());
            block.Parameters.AddWithValue(eventNames.Length);
            await block.ExecuteNonQueryAsync();
        }
        for (var i = 0; i < eventNames.Length; i++)
        {
            await using var ev = new NpgsqlCommand("""
                insert into ciro.events (block_number, block_time, tx_index, event_index, tx_hash, contract, selector, name, keys, data)
                values ($1, $2, 0, $3, $4, $5, $6, $7, array[$6], '{}')
                """, connection);
            ev.Parameters.AddWithValue(number);
            ev.Parameters.AddWithValue(time);
            ev.Parameters.AddWithValue(i);
            ev.Parameters.AddWithValue(Felt.FromBigInteger(number * 100 + i).ToBytes());
            ev.Parameters.AddWithValue(Felt.Parse("0xbf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd").ToBytes());
            ev.Parameters.AddWithValue(Selector.FromName(eventNames[i]).ToBytes());
            ev.Parameters.AddWithValue(eventNames[i]);
            await ev.ExecuteNonQueryAsync();
        }
    }
}
