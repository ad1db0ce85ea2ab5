using System.Numerics;
using Ciro.Analytics.Sketches;
using Ciro.Starknet;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Analytics.Rollups;

/// <summary>Reads a rollup row's columns in order, from column 1 (column 0 is bucket_start), so a family's
/// <c>Read</c> lists its fields in the order of its <c>Columns</c> and never counts ordinals by hand.</summary>
public ref struct ColumnCursor(NpgsqlDataReader reader)
{
    private int _next = 1;

    public Felt Felt() => Starknet.Felt.FromBytes(reader.GetFieldValue<byte[]>(_next++));

    public bool Boolean() => reader.GetBoolean(_next++);

    public string Text() => reader.GetString(_next++);

    public string? TextOrNull()
    {
        var column = _next++;
        return reader.IsDBNull(column) ? null : reader.GetString(column);
    }

    public long Int64() => reader.GetInt64(_next++);

    public BigInteger Amount() => reader.GetFieldValue<BigInteger>(_next++);

    public DDSketch Sketch() => DDSketch.Deserialize(reader.GetFieldValue<byte[]>(_next++));
}

/// <summary>The write side of the column mapping: one method per column kind of the rollup tables.</summary>
public static class RollupImporter
{
    public static Task WriteFeltAsync(this NpgsqlBinaryImporter importer, Felt value, CancellationToken ct) =>
        importer.WriteAsync(value.ToBytes(), NpgsqlDbType.Bytea, ct);

    public static Task WriteBooleanAsync(this NpgsqlBinaryImporter importer, bool value, CancellationToken ct) =>
        importer.WriteAsync(value, NpgsqlDbType.Boolean, ct);

    public static Task WriteTextAsync(this NpgsqlBinaryImporter importer, string? value, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, NpgsqlDbType.Text, ct);

    public static Task WriteInt64Async(this NpgsqlBinaryImporter importer, long value, CancellationToken ct) =>
        importer.WriteAsync(value, NpgsqlDbType.Bigint, ct);

    public static Task WriteAmountAsync(this NpgsqlBinaryImporter importer, BigInteger value, CancellationToken ct) =>
        importer.WriteAsync(value, NpgsqlDbType.Numeric, ct);

    public static Task WriteSketchAsync(this NpgsqlBinaryImporter importer, DDSketch value, CancellationToken ct) =>
        importer.WriteAsync(value.Serialize(), NpgsqlDbType.Bytea, ct);
}

/// <summary>
/// What a compute query reads: rows with block_time in [<see cref="Start"/>, <see cref="End"/>) (bound as $1, $2, so
/// partition pruning keeps the query to those times) and, when <see cref="Blocks"/> is set, only rows of those block
/// numbers ($3): whole hours for a recompute, just the new blocks for a fold.
/// </summary>
public readonly record struct RawScope(DateTimeOffset Start, DateTimeOffset End, long[]? Blocks = null)
{
    /// <summary>SQL: the row of alias <paramref name="alias"/> belongs to the scope's blocks (true when it has none).</summary>
    public static string InBlocks(string alias) => $"($3::bigint[] is null or {alias}.block_number = any($3::bigint[]))";
}

/// <summary>Runs a compute query bounded by a <see cref="RawScope"/> ($1, $2, $3) and hands each row to the row callback.</summary>
public static class RawRows
{
    public static async Task ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, RawScope scope,
        Action<NpgsqlDataReader> onRow, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddWithValue(scope.Start);
        command.Parameters.AddWithValue(scope.End);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = (object?)scope.Blocks ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            onRow(reader);
        }
    }
}
