using System.Numerics;
using Ciro.Indexer.Storage;
using Ciro.Indexer.Tests.Infrastructure;
using Ciro.Starknet;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Indexer.Tests;

/// <summary>The indexer encodes binary COPY itself (<see cref="CopyBuffer"/>): every value kind it writes, at its
/// edges, must be stored exactly as Npgsql's own parameter encoding stores it.</summary>
public sealed class CopyEncodingTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly BigInteger[] Numerics =
    [
        0, 1, 9_999, 10_000, 10_001, 100_000_000, 123_456_789_012, ulong.MaxValue, (BigInteger)ulong.MaxValue + 1,
        BigInteger.Pow(10, 20), BigInteger.Pow(2, 100), (BigInteger.One << 128) - 1, BigInteger.One << 128,
        BigInteger.Pow(10, 40), Felt.Prime - 1,
    ];

    [Fact]
    public async Task Every_encoded_value_equals_what_npgsql_stores()
    {
        var database = await postgres.NewDatabaseAsync();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("""
            create table expected (id int, i8 bigint, i4 int, t timestamptz, b bytea, n numeric, s text, a bytea[], j jsonb);
            create table actual (like expected);
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var texts = new[] { "", "ACCEPTED_ON_L2", "0x3", "reverted: 'é' \u00e9\u4e2d\ud83d\ude00 \"quoted\" <&>", null };
        var arrays = new[] { Array.Empty<Felt>(), [Felt.Zero], [Felt.One, Felt.FromBigInteger(Felt.Prime - 1), Felt.Parse("0x1234")] };
        var json = new[] { """{"a":"0x1","b":[1,2,{"c":null}],"u":"é\u4e2d <&>"}""", """{}""", null };
        var rows = Numerics.Length;
        using var buffer = new CopyBuffer(16);
        for (var id = 0; id < rows; id++)
        {
            var felt = Felt.FromBigInteger(Numerics[id]);
            var time = 1_700_000_000L + id * 3_601;
            var text = texts[id % texts.Length];
            var array = arrays[id % arrays.Length];
            var doc = json[id % json.Length];

            await using (var insert = new NpgsqlCommand("insert into expected values ($1, $2, $3, $4, $5, $6, $7, $8, $9)", connection))
            {
                insert.Parameters.AddWithValue(id);
                insert.Parameters.AddWithValue(long.MinValue + id * 7919L);
                insert.Parameters.AddWithValue(int.MaxValue - id);
                insert.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, DateTimeOffset.FromUnixTimeSeconds(time).UtcDateTime);
                insert.Parameters.AddWithValue(felt.ToBytes());
                insert.Parameters.AddWithValue(NpgsqlDbType.Numeric, Numerics[id]);
                insert.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)text ?? DBNull.Value);
                insert.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bytea, array.Select(f => f.ToBytes()).ToArray());
                insert.Parameters.AddWithValue(NpgsqlDbType.Jsonb, (object?)doc ?? DBNull.Value);
                await insert.ExecuteNonQueryAsync();
            }

            buffer.StartRow(9);
            buffer.Int4(id);
            buffer.Int8(long.MinValue + id * 7919L);
            buffer.Int4(int.MaxValue - id);
            buffer.TimestampFromUnixSeconds(time);
            buffer.Bytea(felt);
            buffer.Numeric(felt);
            buffer.Text(text);
            buffer.ByteaArray(array);
            if (doc is null)
            {
                buffer.Null();
            }
            else
            {
                var start = buffer.StartJsonb();
                var utf8 = System.Text.Encoding.UTF8.GetBytes(doc);
                var span = ((System.Buffers.IBufferWriter<byte>)buffer).GetSpan(utf8.Length);
                utf8.CopyTo(span);
                ((System.Buffers.IBufferWriter<byte>)buffer).Advance(utf8.Length);
                buffer.EndJsonb(start);
            }
        }
        buffer.Complete();
        Assert.Equal(rows, buffer.Rows);
        await using (var copy = await connection.BeginRawBinaryCopyAsync("copy actual from stdin (format binary)"))
        {
            await copy.WriteAsync(buffer.Array.AsMemory(0, buffer.Length));
        }

        await using var compare = new NpgsqlCommand("""
            select count(*), count(*) filter (where row(e.*) is distinct from row(a.*)),
                   count(*) filter (where e.n::text is distinct from a.n::text)
            from expected e full join actual a using (id)
            """, connection);
        await using var reader = await compare.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(rows, reader.GetInt64(0));
        Assert.Equal(0, reader.GetInt64(1));
        Assert.Equal(0, reader.GetInt64(2));
    }

    [Fact]
    public async Task Text_PostgreSQL_cannot_hold_is_stored_as_the_replacement_character()
    {
        // A revert reason with NUL made PostgreSQL reject the whole COPY, so the same batch failed on every retry.
        var database = await postgres.NewDatabaseAsync();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("create table reasons (id int, s text)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        string[] texts = ["Failure reason: 0x\0\0abc", "lone " + '\uD800' + " surrogate", "kept \uD83D\uDE00"];
        using var buffer = new CopyBuffer(4);
        for (var id = 0; id < texts.Length; id++)
        {
            buffer.StartRow(2);
            buffer.Int4(id);
            buffer.Text(texts[id]);
        }
        buffer.Complete();

        await using (var copy = await connection.BeginRawBinaryCopyAsync("copy reasons from stdin (format binary)"))
        {
            await copy.WriteAsync(buffer.Array.AsMemory(0, buffer.Length));
        }

        await using var read = new NpgsqlCommand("select s from reasons order by id", connection);
        await using var reader = await read.ExecuteReaderAsync();
        var stored = new List<string>();
        while (await reader.ReadAsync())
        {
            stored.Add(reader.GetString(0));
        }
        Assert.Equal(["Failure reason: 0x\uFFFD\uFFFDabc", "lone \uFFFD surrogate", "kept \uD83D\uDE00"], stored);
    }
}
