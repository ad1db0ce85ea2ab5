using Ciro.Analytics.Rollups;
using Npgsql;

namespace Ciro.Analytics.Queries;

/// <summary>Use of one contract function in one bucket (or over the whole range, when no bucket was asked for:
/// BucketStart is then the range start). Calls counts every call (a multicall calling it twice counts 2);
/// callers are transaction senders; a caller is new when it never called this function before the bucket's
/// start (or the range start, if later), returning otherwise.</summary>
public sealed record UsageRow(DateTimeOffset BucketStart, string Contract, string Function, string Selector, long Calls, long Transactions, long UniqueCallers, long NewCallers, long ReturningCallers);

/// <summary>Transactions calling the filtered functions per UTC hour of day, summed over the range.</summary>
public sealed record BusyHourRow(int HourOfDay, long Transactions, double Share);

public sealed class UsageKpis(NpgsqlDataSource dataSource)
{
    /// <summary>Bucket "range" = one row per function over the whole range.</summary>
    public const string WholeRange = "range";

    public async Task<TablePage<UsageRow>> GetAsync(KpiRequest request, CancellationToken ct)
    {
        // Bucket starts by date_trunc (UTC; weeks start Monday, as Buckets.Floor); the unit is a validated constant.
        var bucketSql = request.Bucket switch
        {
            WholeRange => "$1::timestamptz",
            Buckets.Hour or Buckets.Day or Buckets.Week => $"date_trunc('{request.Bucket}', c.block_time, 'UTC')",
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Bucket, "usage buckets are range, hour, day, week"),
        };
        var (filter, values) = GasKpis.Filter(request, 3);
        var filterCalls = filter.Replace(" contract", " c.contract").Replace(" selector", " c.selector").Replace(" function_name", " c.function_name");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // New = the caller's first call of the function is at or after the bucket start (or the range start, if later):
        // ciro.function_callers holds first calls over the rolled-up blocks; blocks newer than the rollup ledger are
        // read raw (a few blocks while analytics keeps up) and the earlier of the two counts.
        await using var command = new NpgsqlCommand($"""
            with calls as (
              select {bucketSql} as b, c.contract, c.selector, max(c.function_name) as fn, t.sender, count(*) as n, count(distinct (c.block_number, c.tx_index)) as txs
              from ciro.tx_calls c
              join ciro.transactions t on t.block_number = c.block_number and t.tx_index = c.tx_index and t.block_time = c.block_time
              where c.block_time >= $1 and c.block_time < $2 and t.block_time >= $1 and t.block_time < $2 {filterCalls}
              group by 1, c.contract, c.selector, t.sender),
            unfolded as (
              select c.contract, c.selector, t.sender, min(c.block_time) as first_seen
              from ciro.tx_calls c
              join ciro.transactions t on t.block_number = c.block_number and t.tx_index = c.tx_index and t.block_time = c.block_time
              where c.block_number > (select coalesce(max(block_number), -1) from ciro.rollup_blocks)
                and t.block_number > (select coalesce(max(block_number), -1) from ciro.rollup_blocks) and t.sender is not null
              group by c.contract, c.selector, t.sender)
            select calls.b, ciro.felt_hex(calls.contract), coalesce(max(calls.fn), ciro.felt_hex(calls.selector)), ciro.felt_hex(calls.selector),
                   sum(calls.n)::bigint, sum(calls.txs)::bigint,
                   count(calls.sender),
                   count(calls.sender) filter (where least(f.first_seen, u.first_seen) >= greatest(calls.b, $1))
            from calls
            left join ciro.function_callers f on f.contract = calls.contract and f.selector = calls.selector and f.sender = calls.sender
            left join unfolded u on u.contract = calls.contract and u.selector = calls.selector and u.sender = calls.sender
            group by calls.b, calls.contract, calls.selector
            order by 1, 5 desc, 2, 4
            """, connection);
        command.Parameters.AddWithValue(request.From);
        command.Parameters.AddWithValue(request.To);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        var rows = new List<UsageRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var unique = reader.GetInt64(6);
            var fresh = reader.GetInt64(7);
            rows.Add(new UsageRow(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetInt64(5), unique, fresh, unique - fresh));
        }
        return TablePage<UsageRow>.Of(rows, request, "Computed from raw calls over the whole range (exact distinct callers); transactions without a sender count as calls but not callers.");
    }

    /// <summary>From hourly gas rollups (transactions per function per hour), so long ranges stay cheap.</summary>
    public async Task<TablePage<BusyHourRow>> GetBusiestHoursAsync(KpiRequest request, CancellationToken ct)
    {
        var (filter, values) = GasKpis.Filter(request, 4);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var set = await RollupStore.LoadAsync<GasRollup, GasKey>(connection, null, Buckets.Hour,
            Buckets.Floor(request.From, Buckets.Hour), request.To, t => t, ct, filter, values);
        var byHour = new long[24];
        foreach (var row in set.Rows)
        {
            byHour[row.BucketStart.UtcDateTime.Hour] += row.TxCount;
        }
        var total = byHour.Sum();
        var rows = Enumerable.Range(0, 24)
            .Select(h => new BusyHourRow(h, byHour[h], total == 0 ? 0 : Math.Round((double)byHour[h] / total, 6)))
            .OrderByDescending(r => r.Transactions).ThenBy(r => r.HourOfDay).ToList();
        return TablePage<BusyHourRow>.Of(rows, request, "Hours are UTC; a transaction calling several matching functions counts once per function.");
    }
}
