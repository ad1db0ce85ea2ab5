using System.Numerics;
using Ciro.Messages;
using Ciro.Storage;
using Npgsql;

namespace Ciro.Testing;

/// <summary>
/// Builds small chains row by row, straight into the indexer's tables, so every KPI can be checked against
/// hand-computed values. <see cref="Standard"/> is the chain the KPI tests reason about (see its comments);
/// <see cref="WithEvents"/> makes a block that only has to carry some events (the alert rules count them by name).
/// </summary>
public sealed class KnownChain
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero); // a Monday

    public const string JobManager = "0x111";
    public const string Pool = "0x222";
    public const string Token = "0x333";
    public const string W1 = "0xa1", W2 = "0xa2", W3 = "0xa3", Client = "0xc1", C2 = "0xc2", Operator = "0xd1";

    public sealed record Call(string Contract, string Function);
    public sealed record Event(string Contract, string Name, string DecodedJson);
    /// <summary>An empty <paramref name="Sender"/> is an L1 handler: stored without a sender, as the indexer does.</summary>
    public sealed record Tx(string Sender, Call[] Calls, long L2Gas, long Fee, string Unit = "FRI", bool Reverted = false, long L1DataGas = 0, Event[]? Events = null);
    public sealed record Block(long Number, DateTimeOffset Time, Tx[] Txs, string HashSalt = "a");

    public List<Block> Blocks { get; } = [];

    /// <summary>
    /// Block 0 at 09:59:00 (hour 9), blocks 1–4 in hour 10, 5–6 in hour 11 of 2026-03-02.
    /// Intervals: b1 60 s, b2 2 s, b3 4 s, b4 1794 s, b5 1804 s, b6 6 s.
    /// Job 1: submitted 10:00:00, allocated :02, assigned to W1 :06, completed 10:30:00, paid 11:00:04.
    /// Job 2: assigned to W3 10:30:00, completed 11:00:04. W2 sends a reverted multicall (submit_job_result + transfer).
    /// </summary>
    public static KnownChain Standard()
    {
        var chain = new KnownChain();
        chain.Blocks.Add(new Block(0, T0.AddMinutes(-1), [new Tx(W1, [new Call(JobManager, "submit_job_result")], 700, 100)]));
        chain.Blocks.Add(new Block(1, T0, [
            new Tx(W1, [new Call(JobManager, "submit_ai_job")], 1000, 5000, L1DataGas: 100,
                Events: [new Event(JobManager, "JobSubmitted", $$"""{"job_id":"1","client":"{{Client}}","payment":"100"}""")]),
            new Tx(C2, [new Call(Token, "transfer")], 2000, 300, "WEI"),
        ]));
        chain.Blocks.Add(new Block(2, T0.AddSeconds(2), [
            new Tx(Operator, [new Call(Pool, "allocate_job")], 3000, 6000,
                Events: [new Event(Pool, "JobAllocated", """{"job_id":"1","worker_id":"0x77","confidence_score":9,"estimated_completion":60}""")]),
        ]));
        chain.Blocks.Add(new Block(3, T0.AddSeconds(6), [
            new Tx(Operator, [new Call(JobManager, "assign_job_to_worker")], 4000, 7000,
                Events: [new Event(JobManager, "JobAssigned", $$"""{"job_id":"1","worker":"{{W1}}"}""")]),
            new Tx(W2, [new Call(JobManager, "submit_job_result"), new Call(Token, "transfer")], 10000, 9000, Reverted: true),
        ]));
        chain.Blocks.Add(new Block(4, T0.AddMinutes(30), [
            new Tx(W1, [new Call(JobManager, "submit_job_result")], 5000, 8000,
                Events: [new Event(JobManager, "JobCompleted", $$"""{"job_id":"1","worker":"{{W1}}"}""")]),
            new Tx(Operator, [new Call(JobManager, "assign_job_to_worker")], 4000, 7000,
                Events: [new Event(JobManager, "JobAssigned", $$"""{"job_id":"2","worker":"{{W3}}"}""")]),
        ]));
        chain.Blocks.Add(new Block(5, T0.AddHours(1).AddSeconds(4), [
            new Tx(Operator, [new Call(JobManager, "distribute_rewards")], 6000, 1000,
                Events: [new Event(JobManager, "PaymentReleased", $$"""{"job_id":"1","worker":"{{W1}}","amount":"90"}""")]),
            new Tx(C2, [new Call(Token, "transfer")], 2000, 500, "WEI"),
            new Tx(W3, [new Call(JobManager, "submit_job_result")], 5000, 8000,
                Events: [new Event(JobManager, "JobCompleted", $$"""{"job_id":"2","worker":"{{W3}}"}""")]),
        ]));
        chain.Blocks.Add(new Block(6, T0.AddHours(1).AddSeconds(10), [
            new Tx(W1, [new Call(Pool, "stake")], 1500, 2000,
                Events: [new Event(Pool, "StakeAdded", $$"""{"worker":"{{W1}}","amount":"50","total_stake":"150"}""")]),
        ]));
        return chain;
    }

    /// <summary>A block at <paramref name="time"/> whose one transaction emits events of these names at the JobManager.</summary>
    public static Block WithEvents(long number, DateTimeOffset time, params string[] eventNames) =>
        new(number, time, [new Tx(Operator, [new Call(JobManager, "emit")], 1000, 100,
            Events: [.. eventNames.Select(name => new Event(JobManager, name, "{}"))])]);

    public static byte[] Felt(string hex) => Convert.FromHexString(hex[2..].PadLeft(64, '0'));

    public static byte[] BlockHash(long number, string salt) => Felt("0x" + Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes(salt)) + number.ToString("x8"));

    /// <summary>Inserts the blocks (and their partitions) and, when asked, sends the indexer's notification.</summary>
    public static async Task InsertAsync(NpgsqlDataSource dataSource, IEnumerable<Block> blocks, bool notify = false)
    {
        var list = blocks.ToList();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Exec(connection, tx, "select ciro.ensure_partitions($1, $2)", list.Min(b => b.Time), list.Max(b => b.Time));
        foreach (var block in list)
        {
            var parent = BlockHash(block.Number - 1, block.HashSalt);
            long l1d = block.Txs.Sum(t => t.L1DataGas), l2 = block.Txs.Sum(t => t.L2Gas);
            var events = block.Txs.Sum(t => t.Events?.Length ?? 0);
            await Exec(connection, tx, """
                insert into ciro.blocks values ($1, $2, $3, $4, $5, 10, 1, 20, 2, 30, 3, $6, $7, 0, $8, $9, 'ACCEPTED_ON_L2', '0.14.1')
                """, block.Number, BlockHash(block.Number, block.HashSalt), parent, block.Time, Felt("0x5e9"), block.Txs.Length, events, l1d, l2);
            var eventIndex = 0;
            for (var i = 0; i < block.Txs.Length; i++)
            {
                var t = block.Txs[i];
                var txHash = Felt($"0x{block.Number:x}{i:x4}{Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes(block.HashSalt))}");
                await Exec(connection, tx, """
                    insert into ciro.transactions values ($1, $2, $3, $4, $13, '0x3', $5, $6, $7, 0, $8, $9, $10, $11, $12)
                    """, block.Number, block.Time, i, txHash, t.Sender == "" ? DBNull.Value : (object)Felt(t.Sender), new BigInteger(t.Fee), t.Unit, t.L1DataGas, t.L2Gas,
                    t.Reverted ? "REVERTED" : "SUCCEEDED", t.Reverted ? "boom" : (object)DBNull.Value, t.Events?.Length ?? 0,
                    t.Sender == "" ? "L1_HANDLER" : "INVOKE");
                for (var c = 0; c < t.Calls.Length; c++)
                {
                    await Exec(connection, tx, "insert into ciro.tx_calls values ($1, $2, $3, $4, $5, $6, $7, $8)",
                        block.Number, block.Time, i, c, t.Calls.Length, Felt(t.Calls[c].Contract), Selector(t.Calls[c].Function), t.Calls[c].Function);
                }
                foreach (var e in t.Events ?? [])
                {
                    await Exec(connection, tx, """
                        insert into ciro.events values ($1, $2, $3, $4, $5, $6, $7, $8, array[$7]::bytea[], array[]::bytea[], $9::jsonb)
                        """, block.Number, block.Time, i, eventIndex++, txHash, Felt(e.Contract), Selector(e.Name), e.Name, e.DecodedJson);
                }
            }
        }
        if (notify)
        {
            await connection.NotifyAsync(tx, new BlocksCommitted(list.Min(b => b.Number), list.Max(b => b.Number), list.Max(b => b.Time)), default);
        }
        await tx.CommitAsync();
    }

    /// <summary>What the indexer does on a reorg: delete everything above the common ancestor, in one transaction with the notification.</summary>
    public static async Task RevertAboveAsync(NpgsqlDataSource dataSource, long ancestor, bool notify = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        foreach (var table in new[] { "events", "tx_calls", "transactions", "blocks" })
        {
            await Exec(connection, tx, $"delete from ciro.{table} where block_number > $1", ancestor);
        }
        if (notify)
        {
            await connection.NotifyAsync(tx, new Reorg(ancestor + 1, 1, ReorgReason.Reorg), default);
        }
        await tx.CommitAsync();
    }

    private static byte[] Selector(string name) => Ciro.Starknet.Selector.FromName(name).ToBytes();

    private static async Task Exec(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        await command.ExecuteNonQueryAsync();
    }
}
