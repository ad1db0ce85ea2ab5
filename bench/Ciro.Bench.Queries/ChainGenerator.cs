using Npgsql;
using NpgsqlTypes;

namespace Ciro.Bench.Queries;

/// <summary>
/// A year of synthetic CIRO traffic written with binary COPY. Per block (one every ~`interval` seconds):
/// submit_ai_job (JobSubmitted), assign_job_to_worker (JobAssigned for the job submitted 2 blocks earlier),
/// submit_job_result (JobCompleted for the job of 5 blocks earlier, 10% reverted without event) and a token
/// transfer (Transfer event): about 3.6 events per block across 20 functions' worth of selectors and 50 workers.
/// </summary>
public static class ChainGenerator
{
    public static byte[] Felt(long v) { var b = new byte[32]; System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(b.AsSpan(24), v); return b; }

    public static async Task<(long Events, long Blocks, DateTimeOffset Head)> GenerateAsync(NpgsqlDataSource db, long targetEvents, DateTimeOffset start, TimeSpan span)
    {
        var blocks = (long)(targetEvents / 3.6);
        var interval = span.TotalSeconds / blocks;
        await using var connection = await db.OpenConnectionAsync();
        await using (var parts = new NpgsqlCommand("select ciro.ensure_partitions($1, $2)", connection))
        {
            parts.Parameters.AddWithValue(start);
            parts.Parameters.AddWithValue(start + span + TimeSpan.FromDays(2));
            await parts.ExecuteNonQueryAsync();
        }
        long events = 0;
        await using (var b = await connection.BeginBinaryImportAsync("copy ciro.blocks from stdin (format binary)"))
        {
            for (long n = 0; n < blocks; n++)
            {
                await BlockRowAsync(b, n, start.AddSeconds(n * interval));
            }
            await b.CompleteAsync();
        }
        await using (var t = await connection.BeginBinaryImportAsync("copy ciro.transactions from stdin (format binary)"))
        {
            for (long n = 0; n < blocks; n++)
            {
                var time = start.AddSeconds(n * interval);
                for (var i = 0; i < 4; i++)
                {
                    await TxRowAsync(t, n, time, i);
                }
            }
            await t.CompleteAsync();
        }
        await using (var c = await connection.BeginBinaryImportAsync("copy ciro.tx_calls from stdin (format binary)"))
        {
            for (long n = 0; n < blocks; n++)
            {
                var time = start.AddSeconds(n * interval);
                for (var i = 0; i < 4; i++)
                {
                    await c.WriteRowAsync(default, n, time, i, 0, 1, Felt(i == 3 ? 0x333 : 0x111), Felt(1000 + i + (n % 5) * 10), Function(i, n));
                }
            }
            await c.CompleteAsync();
        }
        await using (var e = await connection.BeginBinaryImportAsync("copy ciro.events from stdin (format binary)"))
        {
            for (long n = 0; n < blocks; n++)
            {
                var time = start.AddSeconds(n * interval);
                var index = 0;
                foreach (var (tx, name, json) in Events(n))
                {
                    await e.StartRowAsync();
                    await e.WriteAsync(n, NpgsqlDbType.Bigint);
                    await e.WriteAsync(time, NpgsqlDbType.TimestampTz);
                    await e.WriteAsync(tx, NpgsqlDbType.Integer);
                    await e.WriteAsync(index++, NpgsqlDbType.Integer);
                    await e.WriteAsync(Felt(n * 4 + tx), NpgsqlDbType.Bytea);
                    await e.WriteAsync(Felt(tx == 3 ? 0x333 : 0x111), NpgsqlDbType.Bytea);
                    await e.WriteAsync(Felt(name.Length), NpgsqlDbType.Bytea);
                    await e.WriteAsync(name, NpgsqlDbType.Text);
                    await e.WriteAsync(new[] { Felt(name.Length) }, NpgsqlDbType.Array | NpgsqlDbType.Bytea);
                    await e.WriteAsync(Array.Empty<byte[]>(), NpgsqlDbType.Array | NpgsqlDbType.Bytea);
                    await e.WriteAsync(json, NpgsqlDbType.Jsonb);
                    events++;
                }
            }
            await e.CompleteAsync();
        }
        await using (var analyze = new NpgsqlCommand("analyze", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }
        return (events, blocks, start.AddSeconds((blocks - 1) * interval));
    }

    public static string Function(int i, long n) => i switch { 0 => "submit_ai_job", 1 => "assign_job_to_worker", 2 => "submit_job_result", _ => "transfer" } + (n % 5 == 0 ? "" : "_v" + n % 5);

    public static string Worker(long job) => "0x" + (0xa00 + job % 50).ToString("x");

    public static bool Reverted(long n) => n % 10 == 7;

    public static IEnumerable<(int Tx, string Name, string Json)> Events(long n)
    {
        yield return (0, "JobSubmitted", $$"""{"job_id":"{{n}}","client":"0xc1","payment":"1000"}""");
        if (n >= 2)
        {
            yield return (1, "JobAssigned", $$"""{"job_id":"{{n - 2}}","worker":"{{Worker(n - 2)}}"}""");
        }
        if (n >= 5 && !Reverted(n))
        {
            yield return (2, "JobCompleted", $$"""{"job_id":"{{n - 5}}","worker":"{{Worker(n - 5)}}"}""");
        }
        yield return (3, "Transfer", """{"from":"0xc1","to":"0xc2","value":"5"}""");
    }

    public static async Task BlockRowAsync(NpgsqlBinaryImporter b, long n, DateTimeOffset time)
    {
        await b.WriteRowAsync(default, n, Felt(n + 1_000_000), Felt(n + 999_999), time, Felt(0x5e9),
            10m, 1m, 20m, 2m, 30m, 3m, 4, n >= 5 && !Reverted(n) ? 4 : 3, 0L, 400L, 40_000L + n % 1000, "ACCEPTED_ON_L2", "0.14.1");
    }

    public static async Task TxRowAsync(NpgsqlBinaryImporter t, long n, DateTimeOffset time, int i)
    {
        var reverted = i == 2 && Reverted(n);
        await t.WriteRowAsync(default, n, time, i, Felt(n * 4 + i), "INVOKE", "0x3", Felt(i == 2 ? 0xa00 + (n - 5) % 50 : 0xd1 + i),
            (decimal)(1000 + n % 97 * 10), "FRI", 0L, 100L, 10_000L + (n * 7 + i * 13) % 1000, reverted ? "REVERTED" : "SUCCEEDED", reverted ? "boom" : null, 1);
    }
}
