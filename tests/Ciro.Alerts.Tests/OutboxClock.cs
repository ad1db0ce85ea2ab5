using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>Runs the outbox dispatcher on a fake clock in lockstep with the test, and reads the outbox tables.</summary>
public static class OutboxClock
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>Moves the fake clock in <paramref name="step"/>s (5 s by default); after each step waits (in real time)
    /// until the dispatcher has handled everything due, so the simulation runs in lockstep however loaded the machine
    /// is. Stops early once <paramref name="until"/> holds.</summary>
    public static async Task AdvanceAsync(FakeTimeProvider clock, NpgsqlDataSource database, TimeSpan total, Func<Task<bool>>? until = null, TimeSpan? step = null)
    {
        var by = step ?? TimeSpan.FromSeconds(5);
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += by)
        {
            clock.Advance(by);
            var now = clock.GetUtcNow();
            var nudgeAt = DateTime.UtcNow.AddSeconds(2);
            await WaitUntilAsync(async () =>
            {
                if (DateTime.UtcNow > nudgeAt)
                {
                    // A worker that set its poll timer just after the step waits for the next one: one more second.
                    clock.Advance(TimeSpan.FromSeconds(1));
                    nudgeAt = DateTime.UtcNow.AddSeconds(2);
                }
                await using var command = database.CreateCommand("select count(*) from alerts.notifications where state = 'pending' and due_at <= $1");
                command.Parameters.AddWithValue(now);
                return Convert.ToInt64(await command.ExecuteScalarAsync()) == 0;
            });
            if (until is not null && await until())
            {
                return;
            }
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, NpgsqlDataSource? database = null)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met within {Wait}" + (database is null ? "" : "; the outbox: " + await OutboxStateAsync(database)));
            }
            await Task.Delay(25);
        }
    }

    /// <summary>Every notification's channel, recipient, state, attempts and last error: what a failed wait shows.</summary>
    public static async Task<string> OutboxStateAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("select string_agg(concat_ws(' ', channel, recipient, state, attempts, last_error), '; ' order by id) from alerts.notifications");
        return (string?)await command.ExecuteScalarAsync() ?? "empty";
    }

    public static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql) => (await ScalarsAsync(database, sql)).Single();

    public static async Task<List<long>> ScalarsAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<long>();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToInt64(reader.GetValue(0)));
        }
        return values;
    }
}
