using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Ciro.Bench.Queries;

/// <summary>
/// A year of synthetic Starknet traffic around CIRO, generated inside PostgreSQL (INSERT … SELECT from
/// generate_series) one block range at a time: client-side COPY topped out at ~44k events/s because every
/// row crossed the socket; here only the statement does. Two connections fill the two halves of the year at
/// once (the machine has two cores and each half lands in its own monthly partitions, so they do not
/// contend). The rows go through the same tables, keys and indexes the indexer writes to.
///
/// Shape per block (blocks evenly spaced over the span):
/// - five CIRO job-lifecycle transactions: submit_ai_job (JobSubmitted, job n), allocate_job (JobAllocated,
///   job n−1), assign_job_to_worker (JobAssigned, job n−2), submit_job_result (JobCompleted, job n−5, or
///   reverted with no event; failure rate 2–26 % depending on the worker) and distribute_rewards
///   (PaymentReleased, job n−6, unless its result reverted). Jobs go to 100 workers, skewed (u² picks).
/// - "other" traffic whose count follows the UTC hour of day (peak 16:00, half at 04:00) and weekday
///   (weekends 25 % lighter), drawn from 15 functions on 8 contracts by weight (see <see cref="Functions"/>).
/// - every transaction emits the fee Transfer event (as Starknet does, reverted or not), plus its function's
///   events; 3 % pay in WEI; half the swaps are approve+swap multicalls.
/// Random draws are hashint8 of (block, tx, stream), so a block is the same whichever chunk generates it.
/// </summary>
public static class ChainGenerator
{
    public const int Workers = 100;
    private const int LifecycleEvents = 10; // five lifecycle txs, each with its fee Transfer and (mostly) one event

    /// <summary>(name, contract, weight, base L2 gas, events it emits). Lifecycle functions first (ids 0–4).</summary>
    public static readonly (string Name, long Contract, double Weight, long L2Gas, string[] Events)[] Functions =
    [
        ("submit_ai_job", 0xc1a0, 0, 1_200_000, ["JobSubmitted"]),
        ("allocate_job", 0xc1a1, 0, 900_000, ["JobAllocated"]),
        ("assign_job_to_worker", 0xc1a0, 0, 700_000, ["JobAssigned"]),
        ("submit_job_result", 0xc1a0, 0, 1_500_000, ["JobCompleted"]),
        ("distribute_rewards", 0xc1a0, 0, 1_100_000, ["PaymentReleased"]),
        ("transfer", 0x4718, 30, 350_000, ["Transfer"]),
        ("approve", 0x4718, 8, 250_000, ["Approval"]),
        ("transfer", 0x49d3, 10, 350_000, ["Transfer"]),
        ("swap_exact_tokens_for_tokens", 0x41fd, 12, 2_400_000, ["Transfer", "Transfer", "Swap"]),
        ("add_liquidity", 0x41fd, 3, 3_100_000, ["Transfer", "Transfer", "Mint"]),
        ("deposit", 0x2545, 4, 1_800_000, ["Transfer", "Deposit"]),
        ("withdraw", 0x2545, 3, 1_900_000, ["Transfer", "Withdraw"]),
        ("borrow", 0x2545, 2, 2_200_000, ["Transfer", "Borrow"]),
        ("mint", 0x7e57, 3, 1_300_000, ["Transfer"]),
        ("transfer_from", 0x7e57, 2, 600_000, ["Transfer"]),
        ("update_price", 0x0a1e, 5, 500_000, ["PriceUpdate"]),
        ("execute_upgrade", 0x0ac1, 1, 4_000_000, []),
        ("register_worker", 0xc1a1, 0.2, 900_000, ["WorkerRegistered"]),
        ("stake", 0xc1a1, 0.05, 800_000, ["StakeAdded"]),
        ("claim_rewards", 0xc1a0, 1, 700_000, ["Transfer"]),
    ];

    /// <summary>Mean events of one "other" transaction: its fee Transfer plus its function's events.</summary>
    public static double EventsPerOtherTx
    {
        get
        {
            var others = Functions.Skip(5).ToList();
            return 1 + others.Sum(f => f.Weight * f.Events.Length) / others.Sum(f => f.Weight);
        }
    }

    public static async Task<(long Events, long Blocks, DateTimeOffset Head, double Interval)> GenerateAsync(
        NpgsqlDataSource db, long targetEvents, DateTimeOffset start, TimeSpan span, Action<string> log)
    {
        // ~50 events per block: at 50M events that is ~1M blocks, one every ~32 s, and ~12.5M transactions.
        var blocks = BlocksFor(targetEvents);
        var interval = span.TotalSeconds / blocks;
        var othersPerBlock = Math.Max(0, ((double)targetEvents / blocks - LifecycleEvents) / EventsPerOtherTx);
        await using (var connection = await db.OpenConnectionAsync())
        {
            await ExecAsync(connection, "select ciro.ensure_partitions($1, $2)", start, start + span + TimeSpan.FromDays(2));
            await ExecAsync(connection, GeneratorSql.Setup(Functions, Workers));
        }
        var watch = Stopwatch.StartNew();
        long done = 0;
        // One day of blocks per statement: big enough to amortise planning, small enough to report progress.
        var chunk = (long)Math.Ceiling(86400 / interval);
        async Task FillAsync(long from, long to)
        {
            await using var connection = await db.OpenConnectionAsync();
            for (var a = from; a < to; a += chunk)
            {
                var b = Math.Min(to, a + chunk);
                await ExecAsync(connection, GeneratorSql.Chunk, a, b, start, interval, othersPerBlock);
                if (Interlocked.Add(ref done, b - a) * 12 / blocks != (done - (b - a)) * 12 / blocks)
                {
                    log($"  generated {done:N0}/{blocks:N0} blocks in {watch.Elapsed.TotalSeconds:F0} s");
                }
            }
        }
        var half = blocks / 2;
        await Task.WhenAll(Task.Run(() => FillAsync(0, half)), Task.Run(() => FillAsync(half, blocks)));
        await using (var connection = await db.OpenConnectionAsync())
        {
            await ExecAsync(connection, "vacuum analyze");
            await using var count = new NpgsqlCommand("select count(*) from ciro.events", connection);
            var events = (long)(await count.ExecuteScalarAsync())!;
            return (events, blocks, start.AddSeconds((blocks - 1) * interval), interval);
        }
    }

    /// <summary>~50 events per block: at 50M events that is ~1M blocks, one every ~32 s.</summary>
    public static long BlocksFor(long targetEvents) => Math.Max(1000, targetEvents / 50);

    /// <summary>Writes block <paramref name="number"/> (same shape as the history) in the caller's transaction.</summary>
    public static async Task WriteBlockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long number, DateTimeOffset start, double interval, double othersPerBlock)
    {
        await using var command = new NpgsqlCommand(GeneratorSql.Chunk, connection, tx);
        foreach (var value in new object[] { number, number + 1, start, interval, othersPerBlock })
        {
            command.Parameters.AddWithValue(value);
        }
        await command.ExecuteNonQueryAsync();
    }

    public static double OthersPerBlock(long targetEvents, long blocks) =>
        Math.Max(0, ((double)targetEvents / blocks - LifecycleEvents) / EventsPerOtherTx);

    private static async Task ExecAsync(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        await command.ExecuteNonQueryAsync();
    }

    public static string Hex(long v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);
}
