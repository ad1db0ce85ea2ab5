using Ciro.Analytics.Rollups;
using Npgsql;

namespace Ciro.Analytics.Queries;

/// <summary>Use of one contract function in one bucket (or over the whole range, when no bucket was asked for:
/// BucketStart is then the range start). The range covers the whole hours it overlaps. Calls counts every call
/// (a multicall calling it twice counts 2); callers are transaction senders; a caller is new when it never called
/// this function before the bucket's start (or the range's first hour, if later), returning otherwise.</summary>
public sealed record UsageRow(DateTimeOffset BucketStart, string Contract, string Function, string Selector, long Calls, long Transactions, long UniqueCallers, long NewCallers, long ReturningCallers);

/// <summary>Transactions calling the filtered functions per UTC hour of day, summed over the range.</summary>
public sealed record BusyHourRow(int HourOfDay, long Transactions, double Share);

public sealed class UsageKpis(NpgsqlDataSource dataSource)
{
    /// <summary>Bucket "range" = one row per function over the whole range.</summary>
    public const string WholeRange = "range";

    /// <summary>
    /// Read from the usage rollup (<c>ciro.usage_callers</c>, per hour or day, function and sender) and the first
    /// calls (<c>ciro.function_callers</c>), never from raw calls: the hours overlapping [From, To), so the cost grows
    /// with hours × functions × callers. Day rows serve the whole days inside the range when the bucket is a day,
    /// a week or the range (they equal the sum of their hours), hour rows the hours at the edges.
    /// </summary>
    public async Task<TablePage<UsageRow>> GetAsync(KpiRequest request, CancellationToken ct)
    {
        // Bucket starts by date_trunc (UTC; weeks start Monday, as Buckets.Floor); the unit is a validated constant.
        var (bucketSql, newSince) = request.Bucket switch
        {
            WholeRange => ("$1::timestamptz", "$3"),
            Buckets.Hour => ("u.bucket_start", "greatest(p.b, $3)"),
            Buckets.Day or Buckets.Week => ($"date_trunc('{request.Bucket}', u.bucket_start, 'UTC')", "greatest(p.b, $3)"),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Bucket, "usage buckets are range, hour, day, week"),
        };
        // Hours [firstHour, To); of them the whole days [firstDay, endDay) come from day rows (never for hourly buckets).
        var firstHour = Buckets.Floor(request.From, Buckets.Hour);
        var (firstDay, endDay) = (Buckets.Ceiling(firstHour, Buckets.Day), Buckets.Floor(Buckets.Ceiling(request.To, Buckets.Hour), Buckets.Day));
        if (request.Bucket == Buckets.Hour || firstDay >= endDay)
        {
            (firstDay, endDay) = (request.To, request.To);
        }
        var (filter, values) = GasKpis.Filter(request, 6);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // A caller is new when its first call of the function (ciro.function_callers, kept with the same ledger) is at
        // or after the bucket start, or the range's first hour if later. The empty sender holds the transactions
        // without a sender: calls and transactions, not a caller.
        await using var command = new NpgsqlCommand($"""
            with u as (
              select bucket_start, contract, selector, sender, function_name, calls, txs from ciro.usage_callers
              where bucket = 'hour' and ((bucket_start >= $3 and bucket_start < $4) or (bucket_start >= $5 and bucket_start < $2)) {filter}
              union all
              select bucket_start, contract, selector, sender, function_name, calls, txs from ciro.usage_callers
              where bucket = 'day' and bucket_start >= $4 and bucket_start < $5 {filter}),
            p as (
              select {bucketSql} as b, u.contract, u.selector, u.sender, max(u.function_name) as fn, sum(u.calls) as n, sum(u.txs) as txs
              from u group by 1, u.contract, u.selector, u.sender)
            select p.b, ciro.felt_hex(p.contract), coalesce(max(p.fn), ciro.felt_hex(p.selector)), ciro.felt_hex(p.selector),
                   sum(p.n)::bigint, sum(p.txs)::bigint,
                   count(*) filter (where p.sender <> '\x'::bytea),
                   count(*) filter (where p.sender <> '\x'::bytea and f.first_seen >= {newSince})
            from p
            left join ciro.function_callers f on f.contract = p.contract and f.selector = p.selector and f.sender = p.sender
            group by p.b, p.contract, p.selector
            order by 1, 5 desc, 2, 4
            """, connection);
        command.Parameters.AddWithValue(request.From);
        command.Parameters.AddWithValue(request.To);
        command.Parameters.AddWithValue(firstHour);
        command.Parameters.AddWithValue(firstDay);
        command.Parameters.AddWithValue(endDay);
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
        return TablePage<UsageRow>.Of(rows, request,
            "Read from the hourly usage rollup: every hour overlapping the range, up to the newest rolled-up block (newer blocks are not counted yet); " +
            "exact distinct callers; transactions without a sender count as calls and transactions but not as callers.");
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
